import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConflictError } from '../../src/errors/conflict-error.js';
import type { Lease, StepRecord, WorkflowStore } from '../../src/workflows/index.js';

/** A store factory for one contract run; `cleanup` removes everything the store wrote. */
export interface ContractTarget {
  store: WorkflowStore;
  cleanup(): Promise<void>;
  /** Redis leases expire on the server's clock: the suite then also waits in real time. */
  realTimeLeases?: boolean;
  /** Real milliseconds a manual clock waits for store round trips after firing timers. */
  settleMs?: number;
}

const T0 = 1_000_000;
const step = (stepId: string, extra: Partial<StepRecord> = {}): StepRecord => ({
  stepId,
  state: 'completed',
  result: JSON.stringify({ stepId }),
  attempts: 1,
  durationMs: 1,
  startedAt: T0,
  completedAt: T0 + 1,
  ...extra,
});

/** The behaviour every WorkflowStore must have. */
export function storeContract(name: string, make: () => Promise<ContractTarget>): void {
  describe(`WorkflowStore contract: ${name}`, () => {
    let target: ContractTarget;
    let store: WorkflowStore;
    let n = 0;
    const id = () => `run-${++n}`;
    const create = async (runId = id(), workflow = 'wf') =>
      (await store.createRun({ runId, workflow, input: '{"a":1}', now: T0 })).run.runId;
    const claimNow = async (runId: string, owner = 'o1', leaseMs = 60_000) =>
      (await store.claim(runId, owner, leaseMs, T0 + 10)) as Lease;
    const expireLeases = async () => {
      if (target.realTimeLeases) await new Promise((r) => setTimeout(r, 120));
    };

    beforeAll(async () => {
      target = await make();
      store = target.store;
    });
    afterAll(async () => {
      await target.cleanup();
    });

    it('creates a run once per runId and reads it back', async () => {
      const runId = id();
      const first = await store.createRun({ runId, workflow: 'wf', input: '{"a":1}', now: T0 });
      const second = await store.createRun({ runId, workflow: 'wf', input: '{"a":2}', now: T0 + 5 });
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(JSON.parse(second.run.input)).toEqual({ a: 1 });
      const run = await store.getRun(runId);
      expect(run).toMatchObject({
        runId,
        workflow: 'wf',
        status: 'pending',
        cancelRequested: false,
        executions: 0,
        createdAt: T0,
      });
      expect(await store.getRun('missing')).toBeNull();
      expect(await store.getSteps('missing')).toEqual([]);
    });

    it('leases a run to one owner at a time and fences stale owners', async () => {
      const runId = await create();
      const a = await store.claim(runId, 'a', 50, T0 + 1);
      expect(a).toMatchObject({ runId, owner: 'a' });
      expect(a?.run.status).toBe('running');
      expect(a?.run.executions).toBe(1);
      expect(await store.claim(runId, 'b', 50, T0 + 2)).toBeNull();
      await expireLeases();
      const b = (await store.claim(runId, 'b', 60_000, T0 + 1000)) as Lease;
      expect(b).not.toBeNull();
      expect(b.token).toBeGreaterThan((a as Lease).token);
      const err = await store.saveStep(a as Lease, step('s1'), T0 + 1001).catch((e: unknown) => e);
      expect(isConflictError(err)).toBe(true);
      expect(await store.getSteps(runId)).toEqual([]);
      expect((await store.renew(a as Lease, 50, T0 + 1002)).ok).toBe(false);
      expect((await store.renew(b, 60_000, T0 + 1002)).ok).toBe(true);
      await expect(store.finish(a as Lease, { status: 'completed', output: '1' }, T0 + 1003)).rejects.toSatisfy(
        isConflictError,
      );
      await expect(store.suspend(a as Lease, 'sleeping', T0 + 5000, T0 + 1003)).rejects.toSatisfy(isConflictError);
    });

    it('stores steps in order and never overwrites a finished step', async () => {
      const runId = await create();
      const lease = await claimNow(runId);
      await store.saveStep(lease, step('b'), T0 + 11);
      await store.saveStep(lease, step('a', { state: 'sleeping', result: undefined, wakeAt: T0 + 100 }), T0 + 12);
      await store.saveStep(lease, step('a', { wakeAt: T0 + 100 }), T0 + 13);
      await store.saveStep(lease, step('b', { result: '"overwritten"' }), T0 + 14);
      await store.saveStep(
        lease,
        step('c', { state: 'failed', result: undefined, error: { name: 'Error', message: 'x' } }),
        T0 + 15,
      );
      await store.saveStep(lease, step('c'), T0 + 16);
      const steps = await store.getSteps(runId);
      expect(steps.map((s) => [s.stepId, s.state])).toEqual([
        ['b', 'completed'],
        ['a', 'completed'],
        ['c', 'failed'],
      ]);
      expect(JSON.parse(steps[0]?.result ?? 'null')).toEqual({ stepId: 'b' });
      expect(steps[1]?.wakeAt).toBe(T0 + 100);
      expect(steps[2]?.error).toEqual({ name: 'Error', message: 'x' });
    });

    it('parks a suspended run until its wake-up time, or until woken', async () => {
      const runId = await create();
      const lease = await claimNow(runId);
      await store.suspend(lease, 'sleeping', T0 + 500, T0 + 20);
      expect(await store.getRun(runId)).toMatchObject({ status: 'sleeping', wakeAt: T0 + 500 });
      expect(await store.claim(runId, 'o2', 60_000, T0 + 499)).toBeNull();
      const again = (await store.claim(runId, 'o2', 60_000, T0 + 500)) as Lease;
      expect(again?.run.executions).toBe(2);
      await store.suspend(again, 'waiting', null, T0 + 600);
      expect((await store.getRun(runId))?.wakeAt).toBeNull();
      expect(await store.claim(runId, 'o3', 60_000, T0 + 10_000_000)).toBeNull();
      await store.wake(runId, T0 + 700);
      expect(await store.claim(runId, 'o3', 60_000, T0 + 700)).not.toBeNull();
    });

    it('claims due runs of known workflows only, oldest first, up to the limit', async () => {
      const due = [
        await create(undefined, 'due-a'),
        await create(undefined, 'due-a'),
        await create(undefined, 'due-a'),
      ];
      await create(undefined, 'due-other');
      const leased = await claimNow(await create(undefined, 'due-a'));
      const first = await store.claimDue('p', 60_000, T0 + 10, 2, ['due-a']);
      expect(first.map((l) => l.runId)).toEqual(due.slice(0, 2));
      const rest = await store.claimDue('p', 60_000, T0 + 10, 10, ['due-a']);
      expect(rest.map((l) => l.runId)).toEqual([due[2]]);
      expect(rest.some((l) => l.runId === leased.runId)).toBe(false);
      expect(await store.claimDue('p', 60_000, T0 + 10, 10, ['due-a'])).toEqual([]);
    });

    it('finishes a run for good', async () => {
      const runId = await create();
      const lease = await claimNow(runId);
      await store.finish(
        lease,
        { status: 'failed', error: { name: 'Error', message: 'boom', code: 'WORKFLOW' } },
        T0 + 30,
      );
      const run = await store.getRun(runId);
      expect(run).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'boom', code: 'WORKFLOW' } });
      await expireLeases();
      expect(await store.claim(runId, 'o2', 60_000, T0 + 10_000_000)).toBeNull();
      expect((await store.renew(lease, 60_000, T0 + 31)).ok).toBe(false);
      await store.wake(runId, T0 + 32);
      expect(await store.claim(runId, 'o2', 60_000, T0 + 10_000_000)).toBeNull();
      const done = await claimNow(await create());
      await store.finish(done, { status: 'completed', output: '{"ok":true}' }, T0 + 40);
      expect(JSON.parse((await store.getRun(done.runId))?.output ?? 'null')).toEqual({ ok: true });
    });

    it('records cancellation, reports it on renewal and makes a parked run due', async () => {
      const runId = await create();
      const lease = await claimNow(runId);
      expect((await store.requestCancel(runId, T0 + 11))?.cancelRequested).toBe(true);
      expect(await store.renew(lease, 60_000, T0 + 12)).toEqual({ ok: true, cancelRequested: true });
      await store.suspend(lease, 'sleeping', T0 + 1_000_000, T0 + 13);
      expect(await store.claim(runId, 'o2', 60_000, T0 + 14)).not.toBeNull();
      expect(await store.requestCancel('missing', T0)).toBeNull();
    });

    it('registers waiters, stores delivered events and wakes the run', async () => {
      const runId = await create();
      const lease = await claimNow(runId);
      await store.saveStep(
        lease,
        step('w', {
          state: 'waiting',
          result: undefined,
          eventType: 'order.paid',
          matchPath: 'data.id',
          matchValue: '"o1"',
          wakeAt: T0 + 9999,
        }),
        T0 + 11,
      );
      expect(await store.waitedTypes()).toContain('order.paid');
      expect(await store.waiters('order.paid')).toEqual([
        { runId, stepId: 'w', matchPath: 'data.id', matchValue: '"o1"' },
      ]);
      expect(await store.waiters('other')).toEqual([]);
      await store.suspend(lease, 'waiting', T0 + 9999, T0 + 12);
      expect(await store.claim(runId, 'o2', 60_000, T0 + 13)).toBeNull();
      await store.deliver(runId, 'w', '{"id":"e1"}', T0 + 14);
      await store.deliver(runId, 'w', '{"id":"e2"}', T0 + 14);
      expect(await store.inbox(runId, 'w')).toEqual(['{"id":"e1"}', '{"id":"e2"}']);
      const again = (await store.claim(runId, 'o2', 60_000, T0 + 15)) as Lease;
      expect(again).not.toBeNull();
      await store.saveStep(again, step('w', { eventType: 'order.paid', result: '{"id":"e1"}' }), T0 + 16);
      expect(await store.waiters('order.paid')).toEqual([]);
      await store.finish(again, { status: 'completed' }, T0 + 17);
      expect(await store.inbox(runId, 'w')).toEqual([]);
      await store.deliver(runId, 'w', '{"id":"late"}', T0 + 18);
      expect(await store.inbox(runId, 'w')).toEqual([]);
    });
  });
}
