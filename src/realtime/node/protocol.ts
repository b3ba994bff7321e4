/** A message a WebSocket client may send. */
export type ClientMessage =
  | { type: 'subscribe'; topics: string[]; lastEventId?: string }
  | { type: 'unsubscribe'; topics: string[] };

const MAX_TOPICS = 100;
const MAX_NAME = 100;
const MAX_ID = 64;

/**
 * Parses and checks one client message; `undefined` when it is not valid JSON or does not have
 * exactly the expected shape (the caller closes the socket with 1008).
 *
 * @example
 * ```ts
 * parseClientMessage('{"type":"subscribe","topics":["ai_progress"]}'); // { type: 'subscribe', topics: ['ai_progress'] }
 * parseClientMessage('{"type":"subscribe"}'); // undefined
 * ```
 */
export function parseClientMessage(text: string): ClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { type, topics, lastEventId } = value as Record<string, unknown>;
  if (type !== 'subscribe' && type !== 'unsubscribe') return undefined;
  if (!Array.isArray(topics) || topics.length > MAX_TOPICS) return undefined;
  if (!topics.every((t) => typeof t === 'string' && t.length > 0 && t.length <= MAX_NAME)) return undefined;
  if (type === 'unsubscribe') {
    return lastEventId === undefined ? { type, topics: topics as string[] } : undefined;
  }
  if (lastEventId === undefined) return { type, topics: topics as string[] };
  if (typeof lastEventId !== 'string' || lastEventId.length > MAX_ID) return undefined;
  return { type, topics: topics as string[], lastEventId };
}
