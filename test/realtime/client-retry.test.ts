import { describe, expect, it } from 'vitest';
import { connectSSE } from '../../src/realtime/index.js';
import type { Clock } from '../../src/types.js';

describe('connectSSE retry: field', () => {
  it('caps a server retry: beyond the largest timer delay (which would fire after 1 ms)', async () => {
    const delays: number[] = [];
    const controller = new AbortController();
    // Records the wait, then stops the connection instead of waiting.
    const clock: Clock = {
      now: () => Date.now(),
      setTimeout(_fn, ms) {
        delays.push(ms);
        queueMicrotask(() => controller.abort());
        return 0;
      },
      clearTimeout() {},
    };
    const body = 'retry: 99999999999\nid: 1\nevent: all\ndata: {"type":"x"}\n\n';
    const fetch = async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    const items: unknown[] = [];
    for await (const item of connectSSE('http://hub.test/events', { fetch, clock, signal: controller.signal })) {
      items.push(item);
    }
    expect(items).toHaveLength(1);
    expect(delays).toEqual([2_147_483_647]);
  });
});
