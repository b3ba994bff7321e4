import { afterEach, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { connectSSE, createRealtimeHub } from '../../src/realtime/index.js';
import type { RealtimeHub } from '../../src/realtime/types.js';
import { bad, CANARY, refusedSync as refused } from '../helpers/refused.js';

function countingFetch() {
  const calls: unknown[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    calls.push(input);
    return new Response('', { status: 204 });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

describe('connectSSE bad input', () => {
  it('refuses an invalid header with CONFIG at once, without echoing its value or fetching', () => {
    const { fetch, calls } = countingFetch();
    for (const headers of [
      { authorization: `Bearer ${CANARY}\nx-evil: 1` },
      { authorization: `Bearer ${CANARY}\r\n\r\nGET / HTTP/1.1` },
      { [`x bad ${CANARY}`]: 'v' },
      [['x-key', `${CANARY}\u0000`]],
    ]) {
      refused('CONFIG', () => connectSSE('https://rt.example.com/events', { headers: bad(headers), fetch }));
    }
    expect(calls).toHaveLength(0);
  });

  it('refuses credentials in the URL with CONFIG, without echoing the password or fetching', () => {
    const { fetch, calls } = countingFetch();
    for (const url of [
      `https://u:${CANARY}@rt.example.com/events`,
      `https://${CANARY}@rt.example.com/events`,
      new URL(`https://u:${CANARY}@rt.example.com/events`),
    ]) {
      const error = refused('CONFIG', () => connectSSE(url, { fetch }));
      expect(error.message).toMatch(/credentials/);
    }
    expect(calls).toHaveLength(0);
  });

  it('refuses a URL that is not http(s) with INVALID_URL, without fetching', () => {
    const { fetch, calls } = countingFetch();
    for (const url of [
      'ftp://x/',
      'file:///etc/passwd',
      'ws://x/',
      'javascript:alert(1)',
      `data:text/event-stream,${CANARY}`,
      `http://[bad/${CANARY}`,
    ]) {
      refused('INVALID_URL', () => connectSSE(url, { fetch }));
    }
    expect(calls).toHaveLength(0);
  });
});

describe('hub topic arguments', () => {
  let hub: RealtimeHub | undefined;
  afterEach(() => hub?.close());
  const make = () => {
    hub = createRealtimeHub({ bus: createBus(), topics: { pub: ['public.*'], priv: ['secret.*'] } });
    return hub;
  };

  it('sse() refuses topics that are not an array of configured topics', async () => {
    const h = make();
    for (const topics of [5, 'pub', null, {}, ['nope']]) {
      let error: unknown;
      try {
        await h.sse(new Request('https://x/events'), { topics: bad(topics) });
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'CONFIG' });
    }
    expect(h.subscriberCount).toBe(0);
  });

  it('subscribe() refuses an unknown topic, as sse() does, and subscribes nothing', () => {
    const h = make();
    const error = refused('CONFIG', () => h.subscribe({ topics: ['pub', 'nope'], onMessage() {} }));
    expect(error.message).toContain('unknown topic "nope"');
    refused('CONFIG', () => h.subscribe({ topics: bad('pub'), onMessage() {} }));
    expect(h.subscriberCount).toBe(0);
  });

  it('add() and remove() refuse non-arrays; add() refuses unknown topics and a non-string lastEventId', () => {
    const h = make();
    const sub = h.subscribe({ topics: ['pub'], onMessage() {} });
    refused('CONFIG', () => sub.add(bad(5)));
    refused('CONFIG', () => sub.add(bad('priv')));
    refused('CONFIG', () => sub.add(['priv', 'nope']));
    refused('CONFIG', () => sub.add(['priv'], bad(5)));
    refused('CONFIG', () => sub.remove(bad(null)));
    refused('CONFIG', () => sub.remove(bad(5)));
    expect(sub.topics).toEqual(['pub']);
    sub.remove(['nope']); // leaving a topic one does not hold is harmless
    expect(sub.add(['priv'])).toEqual(['priv']);
    expect(sub.topics).toEqual(['pub', 'priv']);
  });
});
