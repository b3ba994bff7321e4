import type { ErrorInfo } from '../bus/system-events.js';
import { WorkflowError } from '../errors/workflow-error.js';

/** The error a handler sees for a failed step, on the first execution and on every replay. */
export function stepError(
  stepId: string,
  info: ErrorInfo | undefined,
  attempts: number,
  cause?: unknown,
): WorkflowError {
  const error = info ?? { name: 'Error', message: 'step failed' };
  const notSerializable = error.code === 'NOT_SERIALIZABLE';
  const message = notSerializable
    ? `step "${stepId}" result is not JSON-serialisable`
    : `step "${stepId}" failed after ${attempts} attempt(s): ${error.message}`;
  return new WorkflowError(message, {
    code: notSerializable ? 'NOT_SERIALIZABLE' : 'WORKFLOW',
    cause,
    details: { stepId, attempts, error },
  });
}

/** The error of a cancelled run. */
export function cancelledError(runId: string): WorkflowError {
  return new WorkflowError('workflow run was cancelled', { details: { runId, cancelled: true } });
}

/** What `result()` rejects with for a run that ended `failed` or `cancelled`. */
export function runError(runId: string, workflow: string, status: string, info: ErrorInfo | undefined): WorkflowError {
  if (status === 'cancelled') return cancelledError(runId);
  const message = info?.message ?? 'unknown error';
  return new WorkflowError(`workflow "${workflow}" run ${runId} failed: ${message}`, {
    code: info?.code === 'NOT_SERIALIZABLE' ? 'NOT_SERIALIZABLE' : 'WORKFLOW',
    details: { runId, workflow, error: info },
  });
}
