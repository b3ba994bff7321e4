import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import type { Envelope } from '../../src/bus/types.js';
import { isWorkflowError } from '../../src/errors/workflow-error.js';
import { constant } from '../../src/policies/backoff.js';
import {
  createWorkflowRunner,
  defineWorkflow,
  type WorkflowRunner,
  type WorkflowRunnerOptions,
  type WorkflowStore,
} from '../../src/workflows/index.js';
import { type ManualClock, manualClock, settle } from './helpers.js';
import type { ContractTarget } from './store-contract.js';

const DAY = 86_400_000;

/** Runner behaviour, run against every store. */
export function runnerContract(name: string, make: () => Promise<ContractTarget>): void {
  describe(`workflow runner on ${name}`, () => {
    let target: ContractTarget;
    let store: WorkflowStore;
    const runners: WorkflowRunner[] = [];
    const clockFor = (start?: number) => manualClock(start, target.settleMs ?? 0);
    /** Advances `clock` in small steps until the run reaches `status`. */
    const reach = async (r: WorkflowRunner, clock: ManualClock, runId: string, status: string) => {
      for (let i = 0; i < 300 && (await r.status(runId)).status !== status; i++) await clock.advance(10);
      expect((await r.status(runId)).status).toBe(status);
    };
    /** Advances `clock` in small steps until the run ends, then returns `result()`. */
    const outcome = async <O = unknown>(
      r: WorkflowRunner,
      clock: ManualClock,
      runId: string,
      stepMs = 10,
    ): Promise<O> => {
      for (let i = 0; i < 300; i++) {
        const { status } = await r.status(runId);
        if (status === 'completed' || status === 'failed' || status === 'cancelled') break;
        await clock.advance(stepMs);
      }
      return r.result<O>(runId);
    };
    const runner = (options: Omit<WorkflowRunnerOptions, 'store'>) => {
      const r = createWorkflowRunner({ store, leaseMs: 60_000, pollMs: 50, ...options });
      runners.push(r);
      return r;
    };
    beforeAll(async () => {
      target = await make();
      store = target.store;
    });
    afterAll(async () => {
      for (const r of runners) await r.close();
      await target.cleanup();
    });

    it('runs steps once, numbers repeated ids, reports status and publishes events', async () => {
      const bus = createBus();
      const seen: string[] = [];
      bus.subscribe('*', (e) => {
        if (e.type.startsWith('workflow.')) seen.push(e.type);
      });
      const calls: string[] = [];
      const wf = defineWorkflow('count', async (input: { n: number }, step) => {
        let total = input.n;
        for (let i = 0; i < 3; i++)
          total = await step.run('add', () => {
            calls.push(`add${i}`);
            return total + 1;
          });
        const none = await step.run('void', () => undefined);
        return { total, none: none === undefined };
      });
      const r = runner({ workflows: [wf], bus });
      const { runId, created } = await r.start('count', { n: 10 }, { runId: 'count-1' });
      expect(created).toBe(true);
      expect(await r.result(runId, { timeoutMs: 5000 })).toEqual({ total: 13, none: true });
      expect(calls).toEqual(['add0', 'add1', 'add2']);
      const status = await r.status(runId);
      expect(status.status).toBe('completed');
      expect(status.steps.map((s) => [s.id, s.state, s.attempts])).toEqual([
        ['add', 'completed', 1],
        ['add:1', 'completed', 1],
        ['add:2', 'completed', 1],
        ['void', 'completed', 1],
      ]);
      expect(status.steps.every((s) => typeof s.durationMs === 'number')).toBe(true);
      await settle();
      expect(seen).toEqual(['workflow.started', ...Array(4).fill('workflow.step_completed'), 'workflow.completed']);
      expect((await r.start('count', { n: 99 }, { runId: 'count-1' })).created).toBe(false);
      expect(await r.result(runId)).toEqual({ total: 13, none: true });
      expect(calls).toHaveLength(3);
    });

    it('resumes a run abandoned by a dead runner without re-running finished steps', async () => {
      const counts = new Map<string, number>();
      const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
      let release: (v: string) => void = () => {};
      let hang = true;
      const wf = defineWorkflow('abandon', async (_input: null, step) => {
        const a = await step.run('a', () => {
          bump('a');
          return 'A';
        });
        const b = await step.run('b', () => {
          bump('b');
          return hang ? new Promise<string>((resolve) => (release = resolve)) : 'B2';
        });
        return a + b;
      });
      const frozen = clockFor(1_000_000);
      const dead = runner({ workflows: [wf], clock: frozen, leaseMs: 200 });
      const { runId } = await dead.start(wf, null);
      while (counts.get('b') !== 1) await settle();
      hang = false;
      if (target.realTimeLeases) await new Promise((r) => setTimeout(r, 300));
      const later = clockFor(2_000_000);
      const alive = runner({ workflows: [wf], clock: later, leaseMs: 60_000 });
      expect(await alive.resume()).toBeGreaterThanOrEqual(1);
      expect(await outcome(alive, later, runId)).toBe('AB2');
      expect(counts.get('a')).toBe(1);
      expect(counts.get('b')).toBe(2);
      release('B1');
      await settle();
      expect((await alive.status(runId)).steps.find((s) => s.id === 'b')?.state).toBe('completed');
      expect(await alive.result(runId)).toBe('AB2');
    });

    it('retries a step with backoff on the clock', async () => {
      const clock = clockFor();
      let n = 0;
      const wf = defineWorkflow('flaky', async (_: null, step) =>
        step.run(
          'call',
          () => {
            n++;
            if (n < 3) throw new Error(`fail ${n}`);
            return n;
          },
          { retry: { maxAttempts: 5, backoff: constant(1000) } },
        ),
      );
      const r = runner({ workflows: [wf], clock });
      const { runId } = await r.start(wf, null);
      expect(await outcome(r, clock, runId, 500)).toBe(3);
      expect((await r.status(runId)).steps[0]).toMatchObject({ id: 'call', attempts: 3, state: 'completed' });
    });

    it('compensates finished steps in reverse order when a later step fails', async () => {
      const bus = createBus();
      const failed: unknown[] = [];
      bus.subscribe('workflow.failed', (e) => {
        failed.push(e.data);
      });
      const undo: string[] = [];
      const wf = defineWorkflow(
        'saga',
        async (_: null, step) => {
          for (const id of ['reserve', 'charge', 'ship']) {
            await step.run(id, () => `${id}-ok`, { compensate: (result) => void undo.push(`${id}:${result}`) });
          }
          await step.run('notify', () => {
            throw new Error('mailer down');
          });
        },
        { retry: { maxAttempts: 1 } },
      );
      const r = runner({ workflows: [wf], bus });
      const { runId } = await r.start(wf, null);
      const error = await r.result(runId).catch((e: unknown) => e);
      expect(isWorkflowError(error)).toBe(true);
      expect((error as Error).message).toContain('mailer down');
      expect(undo).toEqual(['ship:ship-ok', 'charge:charge-ok', 'reserve:reserve-ok']);
      const status = await r.status(runId);
      expect(status.status).toBe('failed');
      expect(status.steps.map((s) => s.id)).toEqual([
        'reserve',
        'charge',
        'ship',
        'notify',
        '~compensate:ship',
        '~compensate:charge',
        '~compensate:reserve',
      ]);
      await settle();
      expect(failed).toMatchObject([{ workflow: 'saga', runId }]);
    });

    it('cancels a sleeping run at its next step and compensates', async () => {
      const clock = clockFor();
      const bus = createBus();
      const failed: Array<{ cancelled?: boolean }> = [];
      bus.subscribe('workflow.failed', (e) => {
        failed.push(e.data);
      });
      const undo: string[] = [];
      const after: string[] = [];
      const wf = defineWorkflow('cancel-me', async (_: null, step) => {
        await step.run('book', () => 'b1', { compensate: () => void undo.push('book') });
        await step.sleep('wait', '7d');
        await step.run('never', () => void after.push('x'));
      });
      const r = runner({ workflows: [wf], clock, bus });
      const { runId } = await r.start(wf, null);
      await reach(r, clock, runId, 'sleeping');
      await r.cancel(runId);
      const error = await outcome(r, clock, runId).catch((e: unknown) => e);
      expect(isWorkflowError(error) && error.details?.cancelled).toBe(true);
      expect((await r.status(runId)).status).toBe('cancelled');
      expect(undo).toEqual(['book']);
      expect(after).toEqual([]);
      await settle();
      expect(failed[0]?.cancelled).toBe(true);
    });

    it('sleeps seven days durably across a restart, driven by the clock', async () => {
      const clock = clockFor();
      const done: string[] = [];
      const wf = defineWorkflow('week', async (_: null, step) => {
        await step.run('before', () => void done.push('before'));
        await step.sleep('week', '7d');
        await step.run('after', () => void done.push('after'));
        return 'ok';
      });
      const first = runner({ workflows: [wf], clock, pollMs: DAY });
      const { runId } = await first.start(wf, null);
      await reach(first, clock, runId, 'sleeping');
      await clock.advance(DAY);
      await first.close();
      await clock.advance(7 * DAY);
      const second = runner({ workflows: [wf], clock, pollMs: DAY });
      await second.resume();
      expect(await outcome(second, clock, runId)).toBe('ok');
      expect(done).toEqual(['before', 'after']);
      // In one process the wake-up timer alone drives the run.
      const { runId: again } = await second.start(wf, null);
      await clock.advance(7 * DAY + 1);
      expect(await outcome(second, clock, again)).toBe('ok');
    });

    it('waits for an event across a restart and stores events published before resume', async () => {
      const clock = clockFor();
      const wf = defineWorkflow('await-pay', async (_input: { orderId: string }, step) => {
        const paid = await step.waitForEvent<{ orderId: string; amount: number }>('paid', {
          type: 'order.paid',
          match: 'data.orderId',
          timeoutMs: '1d',
        });
        const big = await step.waitForEvent<{ amount: number }>('big', {
          type: 'order.big',
          match: (data) => data.amount > 100,
          timeoutMs: '1h',
        });
        return { amount: paid?.data.amount ?? null, big: big?.data.amount ?? null };
      });
      const busA = createBus();
      const first = runner({ workflows: [wf], clock, bus: busA, pollMs: DAY });
      const { runId } = await first.start(wf, { orderId: 'o-7' });
      await reach(first, clock, runId, 'waiting');
      await first.close();
      const busB = createBus<{ 'order.paid': { orderId: string; amount: number } }>();
      const second = runner({ workflows: [wf], clock, bus: busB, pollMs: DAY });
      await busB.publish('order.paid', { orderId: 'o-other', amount: 1 });
      await busB.publish('order.paid', { orderId: 'o-7', amount: 42 });
      await second.resume();
      await clock.advance(10);
      await busB.publish('order.big' as 'order.paid', { amount: 5 } as never);
      await busB.publish('order.big' as 'order.paid', { amount: 500 } as never);
      expect(await outcome(second, clock, runId)).toEqual({ amount: 42, big: 500 });
      const { runId: late } = await second.start(wf, { orderId: 'o-8' });
      await clock.advance(DAY + 10);
      await clock.advance(3_600_000 + 10);
      expect(await outcome(second, clock, late)).toEqual({ amount: null, big: null });
      const steps = (await second.status(runId)).steps;
      expect(steps.map((s) => s.state)).toEqual(['completed', 'completed']);
    });

    it('invokes a child workflow and awaits its output', async () => {
      const child = defineWorkflow('child', async (input: { x: number }, step) =>
        step.run('double', () => input.x * 2),
      );
      const broken = defineWorkflow('broken', async () => {
        throw new Error('child broke');
      });
      const parent = defineWorkflow('parent', async (input: { x: number }, step) => {
        const doubled = await step.invoke('kid', child, { x: input.x });
        const failure = await step.invoke('bad', broken, null).catch((e: Error) => e.message);
        return { doubled, failure };
      });
      const r = runner({ workflows: [parent] });
      const { runId } = await r.start(parent, { x: 21 });
      const out = await r.result<{ doubled: number; failure: string }>(runId, { timeoutMs: 5000 });
      expect(out.doubled).toBe(42);
      expect(out.failure).toContain('child broke');
      expect((await r.status(`${runId}/kid`)).status).toBe('completed');
    });

    it('fails a step whose result is not JSON with NOT_SERIALIZABLE', async () => {
      const wf = defineWorkflow('bigint', async (_: null, step) => {
        const error = await step.run('n', () => 10n).catch((e: unknown) => e);
        return isWorkflowError(error) ? error.code : 'no error';
      });
      const r = runner({ workflows: [wf] });
      const { runId } = await r.start(wf, null);
      expect(await r.result(runId, { timeoutMs: 5000 })).toBe('NOT_SERIALIZABLE');
      expect((await r.status(runId)).steps[0]?.error?.code).toBe('NOT_SERIALIZABLE');
    });
  });
}

export type { Envelope, ManualClock };
