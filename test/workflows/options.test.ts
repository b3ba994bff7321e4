import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBus } from '../../src/bus/index.js';
import { isConflictError } from '../../src/errors/conflict-error.js';
import { isIntegrationError } from '../../src/errors/integration-error.js';
import { isNotFoundError } from '../../src/errors/not-found-error.js';
import { isTimeoutError } from '../../src/errors/timeout-error.js';
import { isValidationError } from '../../src/errors/validation-error.js';
import { isWorkflowError } from '../../src/errors/workflow-error.js';
import { constant } from '../../src/policies/backoff.js';
import { createWorkflowRunner, defineWorkflow, memoryStore, parseDuration } from '../../src/workflows/index.js';
import { postgresStore } from '../../src/workflows/postgres/index.js';
import { redisStore } from '../../src/workflows/redis/index.js';
import { manualClock } from './helpers.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isIntegrationError(error) ? error.code : 'not an IntegrationError';
  }
  return 'no error';
};
const noop = defineWorkflow('noop', async () => 'ok');

describe('workflow options and bad input', () => {
  it('rejects bad definitions and runner options with CONFIG', () => {
    expect(code(() => defineWorkflow('bad name!', async () => 1))).toBe('CONFIG');
    expect(code(() => defineWorkflow('x', 'nope' as never))).toBe('CONFIG');
    expect(code(() => defineWorkflow('x', async () => 1, { retry: { maxAttempts: 0 } }))).toBe('CONFIG');
    expect(code(() => defineWorkflow('x', async () => 1, { retry: { backoff: { type: 'linear' } as never } }))).toBe(
      'CONFIG',
    );
    expect(code(() => defineWorkflow('x', async () => 1, { timeoutMs: 'soon' as never }))).toBe('CONFIG');
    expect(code(() => defineWorkflow('x', async () => 1, { schema: {} as never }))).toBe('CONFIG');
    expect(code(() => createWorkflowRunner({} as never))).toBe('CONFIG');
    expect(code(() => createWorkflowRunner({ store: memoryStore(), workflows: 'x' as never }))).toBe('CONFIG');
    expect(code(() => createWorkflowRunner({ store: memoryStore(), workflows: [noop], concurrency: 0 }))).toBe(
      'CONFIG',
    );
    expect(code(() => createWorkflowRunner({ store: memoryStore(), workflows: [noop], leaseMs: -1 }))).toBe('CONFIG');
    const twin = defineWorkflow('noop', async () => 'other');
    expect(code(() => createWorkflowRunner({ store: memoryStore(), workflows: [noop, twin] }))).toBe('CONFIG');
    expect(code(() => redisStore({} as never))).toBe('CONFIG');
    expect(code(() => redisStore({ evalsha() {} } as never, { prefix: 'has space' }))).toBe('CONFIG');
    expect(code(() => postgresStore({} as never))).toBe('CONFIG');
    const fakeSql = Object.assign(() => {}, { unsafe() {} });
    expect(code(() => postgresStore(fakeSql as never, { schema: 'x"; DROP TABLE y; --' }))).toBe('CONFIG');
    expect(code(() => defineWorkflow('x', async () => 1, null as never))).toBe('CONFIG');
    expect(code(() => memoryStore(null as never))).toBe('CONFIG');
    for (const wrong of [{ bus: 5 }, { bus: {} }, { logger: {} }, { clock: {} }, { clock: Date }]) {
      expect(code(() => createWorkflowRunner({ store: memoryStore(), workflows: [noop], ...(wrong as object) }))).toBe(
        'CONFIG',
      );
    }
  });

  it('checks start and result arguments', async () => {
    const store = memoryStore();
    const runner = createWorkflowRunner({ store, workflows: [noop] });
    const codeOf = async (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: unknown) => (isIntegrationError(e) ? e.code : 'not an IntegrationError'),
      );
    expect(await codeOf(runner.start(5 as never, null))).toBe('CONFIG');
    expect(await codeOf(runner.start({ name: 'noop' } as never, null))).toBe('CONFIG');
    expect(await codeOf(runner.start('missing', null))).toBe('NOT_FOUND');
    const { runId } = await runner.start('noop', null, null as never);
    expect(await runner.result(runId, null as never)).toBe('ok');
    expect(await codeOf(runner.result(runId, { signal: 5 as never }))).toBe('CONFIG');
    await runner.close();
  });

  it('fails a step whose options are wrong with CONFIG, before running it', async () => {
    let ran = 0;
    const wrongRetry = defineWorkflow('wrong-retry', async (_: null, step) =>
      step.run('s', () => ++ran, { retry: { maxAttempts: -1 } }),
    );
    const wrongCompensate = defineWorkflow('wrong-compensate', async (_: null, step) =>
      step.run('s', () => ++ran, { compensate: 5 as never }),
    );
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [wrongRetry, wrongCompensate] });
    for (const wf of [wrongRetry, wrongCompensate]) {
      const { runId } = await runner.start(wf, null);
      await runner.result(runId, { timeoutMs: 2000 }).catch(() => {});
      const status = await runner.status(runId);
      expect(status.status).toBe('failed');
      expect(status.error?.message).toMatch(/step "s" (retry\.maxAttempts|compensate)/);
    }
    expect(ran).toBe(0);
    await runner.close();
  });

  it('parses durations', () => {
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(code(() => parseDuration('-1s'))).toBe('CONFIG');
    expect(code(() => parseDuration(Number.NaN))).toBe('CONFIG');
  });

  it('validates start input before creating anything', async () => {
    const store = memoryStore();
    const typed = defineWorkflow('typed', async (input: { email: string }) => input.email, {
      schema: z.object({ email: z.string().email() }),
    });
    const runner = createWorkflowRunner({ store, workflows: [typed] });
    await expect(runner.start('typed', { email: 'nope' }, { runId: 'v1' })).rejects.toSatisfy(isValidationError);
    expect(await store.getRun('v1')).toBeNull();
    await expect(runner.start('missing' as never, {})).rejects.toSatisfy(isNotFoundError);
    await expect(runner.start(typed, { email: 'a@b.co' }, { runId: 'bad id with spaces' })).rejects.toSatisfy(
      (e: unknown) => isIntegrationError(e) && e.code === 'CONFIG',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const loose = defineWorkflow('loose', async () => 1);
    const looseRunner = createWorkflowRunner({ store, workflows: [loose] });
    await expect(looseRunner.start(loose, cyclic)).rejects.toSatisfy(
      (e: unknown) => isWorkflowError(e) && e.code === 'NOT_SERIALIZABLE',
    );
    await looseRunner.start(loose, null, { runId: 'shared-id' });
    await expect(runner.start(typed, { email: 'a@b.co' }, { runId: 'shared-id' })).rejects.toSatisfy(isConflictError);
    await expect(runner.result('unknown')).rejects.toSatisfy(isNotFoundError);
    await expect(runner.status('unknown')).rejects.toSatisfy(isNotFoundError);
    await expect(runner.cancel('unknown')).rejects.toSatisfy(isNotFoundError);
    await runner.close();
    await looseRunner.close();
  });

  it('times out result() on the clock and fails a run past its own timeout', async () => {
    const clock = manualClock();
    const slow = defineWorkflow(
      'slow',
      async (_: null, step) => {
        await step.run('a', () => 1);
        await step.sleep('nap', '2h');
        await step.run('b', () => 2);
      },
      { timeoutMs: '1h' },
    );
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [slow], clock, pollMs: 60_000 });
    const { runId } = await runner.start(slow, null);
    const waiting = runner.result(runId, { timeoutMs: 1000 }).catch((e: unknown) => e);
    await clock.advance(1000);
    expect(isTimeoutError(await waiting)).toBe(true);
    await clock.advance(3_600_000);
    const error = await runner.result(runId).catch((e: unknown) => e);
    expect(isWorkflowError(error)).toBe(true);
    const status = await runner.status(runId);
    expect(status.status).toBe('failed');
    expect(status.error?.code).toBe('TIMEOUT');
    expect(status.steps.map((s) => s.id)).toEqual(['a', 'nap']);
    await runner.close();
  });

  it('refuses bad step ids and match paths missing from the input', async () => {
    const wf = defineWorkflow('misuse', async (_: { a: number }, step) => {
      const bad = await step
        .run('~reserved', () => 1)
        .catch((e: unknown) => (isWorkflowError(e) ? 'refused' : 'other'));
      const path = await step
        .waitForEvent('w', { type: 'x', match: 'data.missing', timeoutMs: 10 })
        .catch((e: unknown) => (isIntegrationError(e) ? e.code : 'other'));
      const proto = await step
        .waitForEvent('w2', { type: 'x', match: 'data.__proto__', timeoutMs: 10 })
        .catch((e: unknown) => (isIntegrationError(e) ? e.code : 'other'));
      return { bad, path, proto };
    });
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [wf] });
    const { runId } = await runner.start(wf, { a: 1 });
    expect(await runner.result(runId, { timeoutMs: 2000 })).toEqual({
      bad: 'refused',
      path: 'CONFIG',
      proto: 'CONFIG',
    });
    await runner.close();
  });

  it('refuses an explicit step id that a repeated id also takes, in either order, before running it', async () => {
    const ran: string[] = [];
    const explicitFirst = defineWorkflow('explicit-first', async (_: null, step) => {
      await step.run('charge:1', () => ran.push('refund-record'));
      await step.run('charge', () => ran.push('charge 0'));
      return step.run('charge', () => ran.push('charge 1'));
    });
    const repeatedFirst = defineWorkflow('repeated-first', async (_: null, step) => {
      await step.run('charge', () => ran.push('charge 0'));
      await step.run('charge', () => ran.push('charge 1'));
      return step.run('charge:1', () => ran.push('refund-record'));
    });
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [explicitFirst, repeatedFirst] });
    for (const [wf, expected] of [
      [explicitFirst, ['refund-record', 'charge 0']],
      [repeatedFirst, ['charge 0', 'charge 1']],
    ] as const) {
      ran.length = 0;
      const { runId } = await runner.start(wf, null);
      const error = await runner.result(runId, { timeoutMs: 2000 }).catch((e: unknown) => e);
      expect(isWorkflowError(error)).toBe(true);
      expect((await runner.status(runId)).error?.message).toContain('step id "charge:1" is used twice');
      expect(ran).toEqual(expected);
    }
    await runner.close();
  });

  it('runs parallel steps and keeps their ids stable across replays', async () => {
    const clock = manualClock();
    const calls: string[] = [];
    const wf = defineWorkflow('fan-out', async (_: null, step) => {
      const parts = await Promise.all(
        ['x', 'y', 'z'].map((p) =>
          step.run('part', () => {
            calls.push(p);
            return p.toUpperCase();
          }),
        ),
      );
      await step.sleep('pause', '1m');
      return parts.join('');
    });
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [wf], clock });
    const { runId } = await runner.start(wf, null);
    await clock.advance(61_000);
    expect(await runner.result(runId)).toBe('XYZ');
    expect(calls).toEqual(['x', 'y', 'z']);
    expect((await runner.status(runId)).steps.map((s) => s.id)).toEqual(['part', 'part:1', 'part:2', 'pause']);
    await runner.close();
  });

  it('does not retry non-retryable library errors and keeps run input out of errors and events', async () => {
    const canary = 'sk_live_CANARY_7f3a';
    const bus = createBus();
    const events: string[] = [];
    bus.subscribe('*', (e) => {
      events.push(JSON.stringify(e));
    });
    let attempts = 0;
    const wf = defineWorkflow('secretive', async (input: { apiKey: string }, step) => {
      await step.run(
        'call',
        () => {
          attempts++;
          throw new (class extends Error {
            override name = 'UpstreamError';
          })('upstream refused the request');
        },
        { retry: { maxAttempts: 2, backoff: constant(0) } },
      );
      return input.apiKey.length;
    });
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [wf], bus });
    const { runId } = await runner.start(wf, { apiKey: canary });
    const error = await runner.result(runId, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(attempts).toBe(2);
    expect(isWorkflowError(error)).toBe(true);
    expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toContain(canary);
    expect((error as Error).message).not.toContain(canary);
    expect(events.join('\n')).not.toContain(canary);
    const nonRetryable = defineWorkflow('fast-fail', async (_: null, step) =>
      step.run(
        'x',
        () => {
          attempts++;
          throw new (class extends Error {})('x');
        },
        { retry: { maxAttempts: 3, backoff: constant(0), retryOn: () => false } },
      ),
    );
    attempts = 0;
    const r2 = createWorkflowRunner({ store: memoryStore(), workflows: [nonRetryable] });
    const { runId: id2 } = await r2.start(nonRetryable, null);
    await r2.result(id2, { timeoutMs: 2000 }).catch(() => {});
    expect(attempts).toBe(1);
    await runner.close();
    await r2.close();
  });

  it('keeps the core Web-standard: no node: imports outside the Node-only stores', () => {
    const dir = new URL('../../src/workflows/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readFileSync(new URL(file, dir), 'utf8')).not.toMatch(/from 'node:|Buffer\./);
  });
});

describe('memoryStore retention', () => {
  it('forgets the oldest finished runs beyond keepFinished, never unfinished ones', async () => {
    const store = memoryStore({ keepFinished: 2 });
    expect(code(() => memoryStore({ keepFinished: -1 }))).toBe('CONFIG');
    const wf = defineWorkflow('keep', async (input: { n: number }) => input.n);
    const runner = createWorkflowRunner({ store, workflows: [wf] });
    await store.createRun({ runId: 'open', workflow: 'other', input: 'null', now: 0 });
    for (let n = 0; n < 4; n++) {
      await runner.start(wf, { n }, { runId: `k${n}` });
      await runner.result(`k${n}`, { timeoutMs: 2000 });
    }
    expect(await store.getRun('k0')).toBeNull();
    expect(await store.getRun('k1')).toBeNull();
    expect((await store.getRun('k3'))?.status).toBe('completed');
    expect((await store.getRun('open'))?.status).toBe('pending');
    await runner.close();
  });
});

describe('waitForEvent intake limits', () => {
  it('refuses to store an oversized event and reports it as a handler failure', async () => {
    const bus = createBus();
    const failures: string[] = [];
    bus.subscribe('bus.handler_failed', (e) => {
      failures.push(e.data.error.code ?? '');
    });
    const wf = defineWorkflow('big-wait', async (_: null, step) => {
      const got = await step.waitForEvent('e', { type: 'blob', timeoutMs: '1h' });
      return got ? 'got' : 'none';
    });
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [wf], bus });
    const { runId } = await runner.start(wf, null);
    for (let i = 0; i < 50 && (await runner.status(runId)).status !== 'waiting'; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await bus.publish('blob' as never, { text: 'x'.repeat(300_000) } as never);
    expect(failures).toEqual(['PAYLOAD_TOO_LARGE']);
    expect((await runner.status(runId)).status).toBe('waiting');
    await bus.publish('blob' as never, { text: 'small' } as never);
    expect(await runner.result(runId, { timeoutMs: 2000 })).toBe('got');
    await runner.close();
  });
});

describe('with the testing module clock', () => {
  it('drives a seven-day sleep in milliseconds', async () => {
    const { createTestClock } = await import('../../src/testing/index.js');
    const clock = createTestClock();
    const wf = defineWorkflow('weekly', async (_: null, step) => {
      const before = await step.run('before', () => clock.now());
      await step.sleep('week', '7d');
      return (await step.run('after', () => clock.now())) - before;
    });
    const runner = createWorkflowRunner({ store: memoryStore(), workflows: [wf], clock });
    const { runId } = await runner.start(wf, null);
    await clock.advance(7 * 86_400_000);
    expect(await runner.result(runId)).toBe(7 * 86_400_000);
    await runner.close();
  });
});

describe('close()', () => {
  it('lets the running step finish, starts no new one and hands the run back at once', async () => {
    const store = memoryStore();
    const calls: string[] = [];
    let finishStep: () => void = () => {};
    const wf = defineWorkflow('closing', async (_: null, step) => {
      await step.run(
        'slow',
        () =>
          new Promise<void>((resolve) => {
            finishStep = () => {
              calls.push('slow');
              resolve();
            };
          }),
      );
      await step.run('next', () => void calls.push('next'));
      return 'done';
    });
    const first = createWorkflowRunner({ store, workflows: [wf], leaseMs: 3_600_000 });
    const { runId } = await first.start(wf, null);
    await new Promise((r) => setTimeout(r, 10));
    const closed = first.close();
    finishStep();
    await closed;
    expect(calls).toEqual(['slow']);
    expect((await store.getRun(runId))?.status).toBe('pending');
    const second = createWorkflowRunner({ store, workflows: [wf], leaseMs: 3_600_000 });
    await second.resume();
    expect(await second.result(runId, { timeoutMs: 2000 })).toBe('done');
    expect(calls).toEqual(['slow', 'next']);
    await second.close();
  });
});
