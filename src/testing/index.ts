/**
 * Test helpers for apps built on the SDK: a controllable clock, a bus recorder and more.
 *
 * @example
 * ```ts
 * import { createTestClock, recordBus } from '@wawagot/integrations/testing';
 * const clock = createTestClock();
 * const recorder = recordBus(bus);
 * ```
 * @module
 */
export { type BusRecorder, type RecordableBus, recordBus } from './record-bus.js';
export { createTestClock, type TestClock, type TestClockOptions } from './test-clock.js';
