// Runs examples/testing/vitest.test.ts as part of the suite (its tests register here).
import '../../examples/testing/vitest.test.js';
