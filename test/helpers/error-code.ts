import { isIntegrationError } from '../../src/index.js';

/** Settles a promise and names the outcome: the IntegrationError code, `foreign: …` or `resolved`. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isIntegrationError(error) ? error.code : `foreign: ${String(error)}`;
  }
  return 'resolved';
}
