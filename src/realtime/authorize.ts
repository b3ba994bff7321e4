import type { Logger } from '../types.js';
import type { Authorize } from './types.js';

/**
 * Runs an authorizer: the granted topics that are among `known`, or `null` when it refuses or
 * throws. A throw is logged by error name only: its message may quote the credentials it checked.
 */
export async function runAuthorize(
  authorize: Authorize,
  request: Request,
  known: readonly string[],
  logger: Logger | undefined,
  what: string,
): Promise<string[] | null> {
  try {
    const result = await authorize(request);
    if (!result || !Array.isArray(result.topics)) return null;
    return result.topics.filter((topic) => known.includes(topic));
  } catch (error) {
    logger?.error(
      { error: { name: error instanceof Error ? error.name : typeof error } },
      `realtime: authorize threw; ${what} refused`,
    );
    return null;
  }
}
