/**
 * Test helpers for apps built on the SDK: a controllable clock, workflow runs with mocked steps,
 * a bus recorder, signed webhook requests and stand-in services for msw. Works with any test
 * runner (vitest, jest, node:test).
 *
 * @example
 * ```ts
 * import { createTestClock, recordBus, testWorkflow, webhookRequest } from '@wawagot/integrations/testing';
 * const { result, steps } = await testWorkflow(onboarding, { email: 'a@b.c' }, { steps: { 'create-user': { id: 'u_1' } } });
 * const res = await router.fetch(await webhookRequest(stripe({ secret }), { id: 'evt_1', type: 'charge.succeeded' }));
 * ```
 * @module
 */
export {
  type MockGraphQLService,
  type MockRestService,
  type MockServices,
  type MockServicesOptions,
  mockServices,
} from './mock-services.js';
export type { StepMock, StepMockContext } from './mock-steps.js';
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
export {
  type TestWorkflowEvent,
  type TestWorkflowOptions,
  type TestWorkflowResult,
  type TestWorkflowStep,
  testWorkflow,
} from './test-workflow.js';
export { type WebhookRequestOptions, webhookRequest } from './webhook-request.js';
