// Runs examples/testing/jest-style.test.ts as part of the suite (its tests register here).
import '../../examples/testing/jest-style.test.js';
