import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/index.js';
import {
  createWebhookRouter,
  type DedupRedisClient,
  github,
  hmac,
  isWebhookVerificationError,
  memoryDedup,
  redisDedup,
  retell,
  signWebhook,
  slack,
  standardWebhooks,
  stripe,
  verifyWebhook,
  type WebhookDedupStore,
  type WebhookRouterOptions,
  type WebhookScheme,
} from '../../src/webhooks/index.js';
import { bad, CANARY, refused } from '../helpers/refused.js';

const WHSEC = `whsec_${btoa(CANARY)}`;
const body = JSON.stringify({ id: 'evt_1', type: 'x' });

/** `fn` throws or rejects with a `CONFIG` IntegrationError that shows no secret anywhere; returns its message. */
const config = async (fn: () => unknown) => (await refused('CONFIG', fn)).message;

/** A scheme that records whether it was asked to verify. */
function spyScheme() {
  const scheme = github({ secret: CANARY });
  const verify = vi.fn(scheme.verify);
  return { scheme: { ...scheme, verify } as WebhookScheme, verify };
}

describe('createWebhookRouter checks its options once, at creation', () => {
  const scheme = github({ secret: CANARY });

  function attempt(route: Record<string, unknown>, options: Record<string, unknown> = {}) {
    const bus = createBus();
    const events: string[] = [];
    bus.subscribe('*', (e) => {
      events.push(e.type);
    });
    const handler = vi.fn();
    const claim = vi.fn(async () => 'new' as const);
    const dedup: WebhookDedupStore = { claim, commit: async () => undefined, release: async () => undefined };
    const make = () =>
      createWebhookRouter({
        routes: { '/a': { scheme, event: 'a.event', handler, ...route } },
        bus,
        dedup,
        ...options,
      } as WebhookRouterOptions);
    return { make, events, handler, claim };
  }

  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>?]> = [
    ['schema: 5', { schema: 5 }],
    ['schema: {} (no ~standard)', { schema: {} }],
    ['schema: null', { schema: null }],
    ['handler: 5', { handler: 5 }],
    ['handler: {}', { handler: {} }],
    ['event: 5', { event: 5 }],
    ["event: ''", { event: '' }],
    ['bus: 5', {}, { bus: 5 }],
    ['bus: {} (no publish)', {}, { bus: {} }],
    ['dedup: 5', {}, { dedup: 5 }],
    ['dedup without release', {}, { dedup: { claim: async () => 'new', commit: async () => undefined } }],
    ['logger: 5', {}, { logger: 5 }],
  ];
  for (const [name, route, options] of cases) {
    it(`${name} → CONFIG, no router, no handler call, no event`, async () => {
      const { make, events, handler, claim } = attempt(route, options);
      const message = await config(make);
      expect(message).toMatch(/schema|handler|event|bus|dedup|logger/);
      await new Promise((r) => setTimeout(r, 5));
      expect(events).toEqual([]);
      expect(handler).not.toHaveBeenCalled();
      expect(claim).not.toHaveBeenCalled();
    });
  }

  it('valid collaborators and a Standard Schema still make a working router', async () => {
    const { make, events, handler } = attempt({ schema: z.object({ type: z.string() }) });
    const router = make();
    const headers = await signWebhook(body, scheme, { id: 'd1' });
    const res = await router.fetch(new Request('https://x.test/a', { method: 'POST', body, headers }));
    expect(res.status).toBe(202);
    expect(handler).toHaveBeenCalledOnce();
    expect(events).toEqual(['a.event', 'webhook.received']);
  });

  it('router.fetch of anything but a Request rejects with CONFIG and publishes nothing', async () => {
    const { make, events, handler } = attempt({});
    const router = make();
    for (const request of [5, null, undefined, {}, { url: 'not a url' }])
      await config(() => router.fetch(bad(request)));
    await new Promise((r) => setTimeout(r, 5));
    expect(events).toEqual([]);
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('createWebhookRouter answers every delivery when a collaborator misbehaves', () => {
  const scheme = github({ secret: CANARY });
  const standard = (validate: (value: unknown) => unknown) => ({ '~standard': { version: 1, vendor: 't', validate } });

  async function deliver(route: Record<string, unknown>, options: Record<string, unknown> = {}) {
    const events: Array<{ type: string; data: unknown }> = [];
    const publish = vi.fn(async (type: string, data: unknown) => {
      events.push({ type, data });
    });
    const handler = vi.fn();
    const store = { claim: vi.fn(async () => 'new' as const), commit: vi.fn(async () => undefined), release: vi.fn() };
    const router = createWebhookRouter({
      routes: { '/a': { scheme, event: 'a.event', handler, ...route } },
      bus: { publish },
      dedup: store,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      ...options,
    } as WebhookRouterOptions);
    const headers = await signWebhook(body, scheme, { id: 'd1' });
    const res = await router.fetch(new Request('https://x.test/a', { method: 'POST', body, headers }));
    await new Promise((r) => setTimeout(r, 5));
    expect(JSON.stringify(events)).not.toContain(CANARY);
    return { status: res.status, events, handler, store };
  }

  it('a validator that throws, rejects or returns no result: 500, nothing processed', async () => {
    const validators = [
      () => {
        throw new Error(`validator broke ${CANARY}`);
      },
      async () => {
        throw new Error('validator broke');
      },
      () => null,
      () => 5,
    ];
    for (const validate of validators) {
      const { status, events, handler, store } = await deliver({ schema: standard(validate) });
      expect(status).toBe(500);
      expect(handler).not.toHaveBeenCalled();
      expect(store.claim).not.toHaveBeenCalled();
      expect(events).toEqual([
        { type: 'webhook.rejected', data: { route: '/a', reason: 'processing_failed', status: 500 } },
      ]);
    }
  });

  it('a dedup store or bus whose methods throw synchronously or return no promise', async () => {
    const syncCommit = {
      claim: async () => 'new' as const,
      commit: () => {
        throw new Error('commit');
      },
      release: async () => undefined,
    };
    expect((await deliver({}, { dedup: syncCommit })).status).toBe(202);
    const voidCommit = { claim: async () => 'new' as const, commit: () => undefined, release: () => undefined };
    expect((await deliver({}, { dedup: voidCommit })).status).toBe(202);
    const syncRelease = {
      claim: async () => 'new' as const,
      commit: async () => undefined,
      release: () => {
        throw new Error('release');
      },
    };
    expect((await deliver({ handler: () => Promise.reject(new Error('h')) }, { dedup: syncRelease })).status).toBe(500);
    const syncBus = {
      publish: () => {
        throw new Error('bus');
      },
    };
    const { status, store } = await deliver({}, { bus: syncBus });
    expect(status).toBe(500);
    expect(store.release).toHaveBeenCalledOnce();
    expect((await deliver({}, { bus: { publish: () => undefined } })).status).toBe(202);
  });
});

describe('verifyWebhook and signWebhook refuse bad arguments with CONFIG', () => {
  const gh = github({ secret: CANARY });

  it('a scheme that is not one', async () => {
    const headers = await signWebhook(body, gh);
    for (const scheme of [null, undefined, {}, 5, { verify: 5 }])
      expect(await config(() => verifyWebhook({ body, headers }, bad(scheme)))).toMatch(/scheme/);
    for (const scheme of [null, {}, 5, { sign: 'x' }])
      expect(await config(() => signWebhook(body, bad(scheme)))).toMatch(/scheme/);
  });

  it('options that are not an object', async () => {
    const { scheme, verify } = spyScheme();
    const headers = await signWebhook(body, scheme);
    for (const options of [null, 5, 'x']) {
      await config(() => verifyWebhook({ body, headers }, scheme, bad(options)));
      await config(() => signWebhook(body, scheme, bad(options)));
    }
    expect(verify).not.toHaveBeenCalled();
  });

  it('a body that is neither a string nor bytes, an id or timestamp of the wrong type', async () => {
    for (const value of [5, {}, null, [1, 2], new ArrayBuffer(2)])
      expect(await config(() => signWebhook(bad(value), gh))).toMatch(/body/);
    await config(() => signWebhook(body, gh, { id: bad(5) }));
    await config(() => signWebhook(body, slack({ signingSecret: CANARY }), { timestamp: bad('100') }));
    await expect(signWebhook(new Uint8Array([1, 2]), gh)).resolves.toBeDefined();
  });

  it('a Request whose body was already read, or is being read', async () => {
    const { scheme, verify } = spyScheme();
    const headers = await signWebhook(`${body}${CANARY}`, scheme);
    const read = new Request('https://x.test/', { method: 'POST', body: `${body}${CANARY}`, headers });
    await read.text();
    expect(await config(() => verifyWebhook(read, scheme))).toMatch(/already read/);
    const locked = new Request('https://x.test/', { method: 'POST', body: `${body}${CANARY}`, headers });
    const reader = locked.body?.getReader();
    expect(await config(() => verifyWebhook(locked, scheme))).toMatch(/already read/);
    reader?.releaseLock();
    expect(verify).not.toHaveBeenCalled();
    // The unread request still verifies.
    const fresh = new Request('https://x.test/', { method: 'POST', body: `${body}${CANARY}`, headers });
    await expect(verifyWebhook(fresh, scheme)).resolves.toMatchObject({ id: headers['x-github-delivery'] });
  });

  it('now that is not a finite number or Date, maxBodyBytes or toleranceSec that is not a number', async () => {
    const { scheme, verify } = spyScheme();
    const headers = await signWebhook(body, scheme);
    const options = [
      { now: Number.NaN },
      { now: 'x' },
      { now: '1700000000000' },
      { now: Number.POSITIVE_INFINITY },
      { now: new Date('nope') },
      { maxBodyBytes: '10' },
      { maxBodyBytes: Number.NaN },
      { toleranceSec: '300' },
    ];
    for (const option of options) await config(() => verifyWebhook({ body, headers }, scheme, bad(option)));
    expect(verify).not.toHaveBeenCalled();
    // A Date is fine, and the timestamp check sees it.
    const sw = standardWebhooks({ secret: WHSEC });
    const signed = await signWebhook(body, sw, { timestamp: 1_700_000_000 });
    await expect(
      verifyWebhook({ body, headers: signed }, sw, { now: new Date(1_700_000_000_000) }),
    ).resolves.toBeDefined();
  });
});

describe('header values of the wrong type are verification failures, never a TypeError', () => {
  it('pairs that are no pairs, and non-string values in a string[]', async () => {
    const gh = github({ secret: CANARY });
    const { 'x-hub-signature-256': sig = '' } = await signWebhook(body, gh);
    const reason = async (headers: unknown) => {
      const error = await verifyWebhook({ body, headers: bad(headers) }, gh).catch((e: unknown) => e);
      expect(isWebhookVerificationError(error), inspect(error)).toBe(true);
      expect(`${inspect(error)} ${JSON.stringify(error)}`).not.toContain(CANARY);
      return (error as { reason: string }).reason;
    };
    expect(await reason([5, null, ['x-hub-signature-256']])).toBe('missing_signature');
    expect(await reason([[5, sig]])).toBe('missing_signature');
    expect(await reason({ 'x-hub-signature-256': [5] })).toBe('malformed_signature');
    expect(await reason({ 'x-hub-signature-256': [{ toString: () => sig }] })).toBe('malformed_signature');
    expect(await reason({ get: () => 5 })).toBe('malformed_signature');
    await expect(verifyWebhook({ body, headers: bad([[5], ['X-Hub-Signature-256', sig]]) }, gh)).resolves.toBeDefined();
  });
});

describe('signWebhook timestamps', () => {
  it('a fractional timestamp is CONFIG for the schemes that sign seconds', async () => {
    for (const scheme of [
      stripe({ secret: CANARY }),
      slack({ signingSecret: CANARY }),
      standardWebhooks({ secret: WHSEC }),
    ])
      expect(await config(() => signWebhook(body, scheme, { timestamp: 1_700_000_000.5 }))).toMatch(/whole seconds/);
  });

  it('retell signs milliseconds: a fractional timestamp round-trips', async () => {
    const scheme = retell({ apiKey: CANARY });
    const headers = await signWebhook(body, scheme, { timestamp: 1_700_000_000.25 });
    expect(headers['x-retell-signature']).toMatch(/^v=1700000000250,/);
    await expect(verifyWebhook({ body, headers }, scheme, { now: 1_700_000_000_250 })).resolves.toMatchObject({
      timestamp: 1_700_000_000.25,
    });
  });
});

describe('scheme options', () => {
  it('standardWebhooks names the secret format it expects, without echoing the secret', async () => {
    for (const secret of [`whsec_!!!${CANARY}`, CANARY, 'whsec_', [WHSEC, `whsec_${CANARY}`]])
      expect(await config(() => standardWebhooks({ secret }))).toMatch(/whsec_.*base64/);
    expect(await config(() => standardWebhooks({ secret: bad(5) }))).toMatch(/whsec_.*base64/);
    expect(await config(() => github({ secret: bad(5) }))).toMatch(/strings/);
  });

  it('hmac refuses header names that can never be received', async () => {
    const secret = CANARY;
    for (const header of ['bad header', 'x:sig', 'x-sig\r\n', 'x-sig\n', '', 5, null, undefined])
      expect(await config(() => hmac({ header: bad(header), secret }))).toMatch(/header/);
    for (const idHeader of ['bad id', 'x\n', '', 5, null])
      expect(await config(() => hmac({ header: 'x-sig', idHeader: bad(idHeader), secret }))).toMatch(/idHeader/);
    for (const algorithm of ['toString', '__proto__', 'constructor', 'MD5'])
      await config(() => hmac({ header: 'x-sig', algorithm: bad(algorithm), secret }));
    await config(() => hmac({ header: 'x-sig', prefix: 'sha256=\n', secret }));
    // A valid token in any case works, matched case-insensitively.
    const scheme = hmac({ header: 'X-Sig_1.v', idHeader: 'X-Request-Id', secret });
    const headers = await signWebhook(body, scheme, { id: 'r1' });
    await expect(verifyWebhook({ body, headers }, scheme)).resolves.toMatchObject({ id: 'r1' });
  });

  it('dedup stores refuse options that are not an object and clocks without now()', async () => {
    await config(() => memoryDedup(bad(null)));
    await config(() => memoryDedup(bad(5)));
    await config(() => memoryDedup({ clock: bad({}) }));
    const client = { set: async () => 'OK', get: async () => null, del: async () => 1 } as unknown as DedupRedisClient;
    await config(() => redisDedup(client, bad(null)));
    await config(() => redisDedup(bad({ set: client.set, get: client.get })));
    expect(memoryDedup({ clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined } })).toBeDefined();
  });
});
