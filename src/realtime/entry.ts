import type { Envelope } from '../bus/types.js';
import type { Entry } from './ring-buffer.js';
import { encode, formatEvent } from './sse-format.js';
import type { RealtimeControl } from './types.js';

const ID = /^([a-z0-9]{1,16})-(\d{1,15})$/;

/** A random per-hub epoch: ids of another hub instance (e.g. before a restart) never match. */
export function newEpoch(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  let out = '';
  for (const b of bytes) out += b.toString(36).padStart(2, '0');
  return out;
}

/** Parses `<epoch>-<seq>`; `undefined` for anything else. */
export function parseEventId(id: string): { epoch: string; seq: number } | undefined {
  if (id.length > 40) return undefined;
  const m = ID.exec(id);
  return m ? { epoch: m[1] as string, seq: Number(m[2]) } : undefined;
}

/** Builds a buffered entry from a bus envelope whose data is already serialised. */
export function makeEntry(epoch: string, seq: number, envelope: Envelope, topics: readonly number[], dataJson: string) {
  const entry: Entry = {
    seq,
    id: `${epoch}-${seq}`,
    type: envelope.type,
    time: envelope.time,
    data: envelope.data ?? null,
    dataJson,
    topics,
    json: [],
    frames: [],
  };
  return entry;
}

/** The JSON message `{ id, topic, type, data, time }` of an entry under one topic (cached). */
export function messageJson(entry: Entry, topicIndex: number, topicName: string): string {
  let json = entry.json[topicIndex];
  if (json === undefined) {
    json = `{"id":"${entry.id}","topic":${JSON.stringify(topicName)},"type":${JSON.stringify(entry.type)},"data":${entry.dataJson},"time":${JSON.stringify(entry.time)}}`;
    entry.json[topicIndex] = json;
  }
  return json;
}

/** The encoded SSE frame of an entry under one topic (cached: shared by every client). */
export function sseFrame(entry: Entry, topicIndex: number, topicName: string): Uint8Array {
  let frame = entry.frames[topicIndex];
  if (frame === undefined) {
    frame = encode(formatEvent(topicName, entry.id, messageJson(entry, topicIndex, topicName)));
    entry.frames[topicIndex] = frame;
  }
  return frame;
}

/** The SSE frame of a control message; `reset` carries the newest id so clients move past it. */
export function controlFrame(message: RealtimeControl): Uint8Array {
  const id = message.type === 'reset' ? message.lastEventId : undefined;
  return encode(formatEvent(message.type, id, JSON.stringify(message)));
}
