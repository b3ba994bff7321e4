/**
 * Test helpers for apps built on the SDK: a controllable clock, a bus recorder, and stand-in
 * services for msw.
 *
 * @example
 * ```ts
 * import { createTestClock, recordBus } from '@wawagot/integrations/testing';
 * const clock = createTestClock();
 * const recorder = recordBus(bus);
 * ```
 * @module
 */
export {
  type MockGraphQLService,
  type MockRestService,
  type MockServices,
  mockServices,
} from './mock-services.js';
export { type BusRecorder, type RecordableBus, recordBus } from './record-bus.js';
export {
  delay,
  fail,
  type MockCall,
  type MockReply,
  type MockReplyFn,
  type MockScript,
  type MockStep,
} from './replies.js';
export { createTestClock, type TestClock, type TestClockOptions } from './test-clock.js';
