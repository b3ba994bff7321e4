import { describe, expect, it, vi } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { constant } from '../../src/policies/index.js';
import { createTestClock, recordBus, testWorkflow } from '../../src/testing/index.js';
import { defineWorkflow } from '../../src/workflows/index.js';

const DAY = 86_400_000;

const order = defineWorkflow(
  'order',
  async (input: { orderId: string; amount: number }, step) => {
    const reservation = await step.run('reserve', () => ({ id: `r-${input.orderId}` }), {
      compensate: async () => {},
    });
    const charge = await step.run('charge', () => ({ chargeId: 'real-charge' }), {
      compensate: async () => {},
    });
    const paid = await step.waitForEvent('paid', {
      type: 'payment.settled',
      match: 'data.orderId',
      timeoutMs: '1h',
    });
    if (!paid) throw new Error('not settled');
    await step.sleep('cool-off', '7d');
    const shipment = await step.run('ship', () => ({ trackingId: 'real' }));
    return { reservation: reservation.id, charge: charge.chargeId, tracking: shipment.trackingId };
  },
  { retry: { maxAttempts: 3, backoff: constant(1000) } },
);

describe('testWorkflow', () => {
  it('runs a workflow with mocked steps, delivers events and passes a 7-day sleep', async () => {
    const ship = vi.fn((_ctx: unknown) => ({ trackingId: 'T-1' }));
    const out = await testWorkflow(
      order,
      { orderId: 'o1', amount: 5 },
      {
        steps: { charge: { chargeId: 'ch_mock' }, ship },
        events: [{ type: 'payment.settled', data: { orderId: 'o1' } }],
      },
    );
    expect(out.status).toBe('completed');
    expect(out.result).toEqual({ reservation: 'r-o1', charge: 'ch_mock', tracking: 'T-1' });
    expect(out.steps.map((s) => [s.id, s.state, s.attempts])).toEqual([
      ['reserve', 'completed', 1],
      ['charge', 'completed', 1],
      ['paid', 'completed', 1],
      ['cool-off', 'completed', 1],
      ['ship', 'completed', 1],
    ]);
    expect(out.steps[2]?.output).toMatchObject({ type: 'payment.settled', data: { orderId: 'o1' } });
    expect(out.compensations).toEqual([]);
    expect(out.elapsedMs).toBeGreaterThanOrEqual(7 * DAY);
    expect(out.unusedMocks).toEqual([]);
    expect(out.undeliveredEvents).toEqual([]);
    expect(ship).toHaveBeenCalledOnce();
    expect(ship.mock.calls[0]?.[0]).toMatchObject({ stepId: 'ship', attempt: 1, input: { orderId: 'o1', amount: 5 } });
  });

  it('times out an event wait, runs compensations in reverse and reports the failure', async () => {
    const out = await testWorkflow(order, { orderId: 'o2', amount: 5 }, { steps: { charge: { chargeId: 'c' } } });
    expect(out.status).toBe('failed');
    expect(out.result).toBeUndefined();
    expect(out.error?.message).toContain('not settled');
    expect(out.steps.find((s) => s.id === 'paid')).toMatchObject({ state: 'completed', output: null });
    expect(out.compensations.map((c) => [c.id, c.state])).toEqual([
      ['charge', 'completed'],
      ['reserve', 'completed'],
    ]);
    expect(out.elapsedMs).toBe(3_600_000);
  });

  it('a mock function that throws fails attempts; the retry backoff passes on the test clock', async () => {
    const out = await testWorkflow(
      order,
      { orderId: 'o3', amount: 5 },
      {
        steps: {
          charge: ({ attempt }: { attempt: number }) => {
            if (attempt < 3) throw new Error('card network down');
            return { chargeId: 'third-time' };
          },
        },
        events: [{ type: 'payment.settled', data: { orderId: 'o3' } }],
      },
    );
    expect(out.status).toBe('completed');
    expect(out.steps.find((s) => s.id === 'charge')).toMatchObject({ attempts: 3, output: { chargeId: 'third-time' } });
  });

  it('a step that spends its retries fails the run and compensates the earlier steps', async () => {
    const out = await testWorkflow(
      order,
      { orderId: 'o4', amount: 5 },
      {
        steps: {
          charge: () => {
            throw new Error('declined');
          },
        },
      },
    );
    expect(out.status).toBe('failed');
    expect(out.steps.find((s) => s.id === 'charge')).toMatchObject({ state: 'failed', attempts: 3 });
    expect(out.steps.find((s) => s.id === 'charge')?.error?.message).toContain('declined');
    expect(out.compensations.map((c) => c.id)).toEqual(['reserve']);
  });

  it('timed events arrive at their test-clock time: too late means the wait times out', async () => {
    const late = await testWorkflow(
      order,
      { orderId: 'o5', amount: 1 },
      { steps: { charge: {} }, events: [{ type: 'payment.settled', data: { orderId: 'o5' }, afterMs: '2h' }] },
    );
    expect(late.status).toBe('failed');
    expect(late.undeliveredEvents).toHaveLength(1);
    const onTime = await testWorkflow(
      order,
      { orderId: 'o6', amount: 1 },
      { steps: { charge: {} }, events: [{ type: 'payment.settled', data: { orderId: 'o6' }, afterMs: '30m' }] },
    );
    expect(onTime.status).toBe('completed');
    expect(onTime.elapsedMs).toBe(30 * 60_000 + 7 * DAY);
  });

  it('only matching events complete the wait (match path on the input)', async () => {
    const out = await testWorkflow(
      order,
      { orderId: 'o7', amount: 1 },
      {
        steps: { charge: {} },
        events: [
          { type: 'payment.settled', data: { orderId: 'someone-else' } },
          { type: 'payment.settled', data: { orderId: 'o7' } },
        ],
      },
    );
    expect(out.status).toBe('completed');
    expect(out.steps.find((s) => s.id === 'paid')?.output).toMatchObject({ data: { orderId: 'o7' } });
  });

  it('targets one occurrence of a repeated id, mocks invoke and waitForEvent, and reports unused mocks', async () => {
    const child = defineWorkflow('child', async (n: number) => n * 2);
    const loop = defineWorkflow('loop', async (_: null, step) => {
      const out: unknown[] = [];
      for (let i = 0; i < 3; i++) out.push(await step.run('send', () => `real-${i}`));
      out.push(await step.invoke('double', child, 21));
      out.push(await step.waitForEvent('approval', { type: 'approved', timeoutMs: '1d' }));
      return out;
    });
    const out = await testWorkflow(loop, null, {
      steps: { 'send:1': 'mocked-1', approval: { data: { by: 'ops' } }, typo: 1 },
      workflows: [child],
    });
    expect(out.result).toEqual(['real-0', 'mocked-1', 'real-2', 42, { data: { by: 'ops' } }]);
    expect(out.steps.map((s) => s.id)).toEqual(['send', 'send:1', 'send:2', 'double', 'approval']);
    expect(out.unusedMocks).toEqual(['typo']);
    const mockedChild = await testWorkflow(loop, null, { steps: { double: 7, approval: null } });
    expect(mockedChild.result).toEqual(['real-0', 'real-1', 'real-2', 7, null]);
  });

  it('runs child workflows for real and delivers events they wait for', async () => {
    const child = defineWorkflow('approve', async (_: null, step) => {
      const e = await step.waitForEvent('ok', { type: 'approved', timeoutMs: '1h' });
      await step.sleep('settle', '2d');
      return e !== null;
    });
    const parent = defineWorkflow('parent', async (_: null, step) => step.invoke('child', child, null));
    const out = await testWorkflow(parent, null, { events: [{ type: 'approved', data: {} }] });
    expect(out.status).toBe('completed');
    expect(out.result).toBe(true);
    expect(out.elapsedMs).toBe(2 * DAY);
  });

  it('uses the caller clock and bus so the app can be observed', async () => {
    const clock = createTestClock({ now: 0 });
    const bus = createBus({ clock });
    const recorder = recordBus(bus);
    const out = await testWorkflow(
      order,
      { orderId: 'o8', amount: 1 },
      { clock, bus, steps: { charge: {} }, events: [{ type: 'payment.settled', data: { orderId: 'o8' } }] },
    );
    expect(out.status).toBe('completed');
    expect(clock.now()).toBe(7 * DAY);
    expect(recorder.types()).toContain('workflow.completed');
    expect(recorder.ofType('workflow.step_completed').map((e) => (e.data as { stepId: string }).stepId)).toEqual([
      'reserve',
      'charge',
      'paid',
      'cool-off',
      'ship',
    ]);
  });

  it('a step that never settles ends with TimeoutError after realTimeoutMs', async () => {
    const parked = defineWorkflow('parked', async (_: null, step) => {
      await step.invoke(
        'child',
        defineWorkflow('hang', async () => new Promise(() => {})),
        null,
      );
    });
    await expect(testWorkflow(parked, null, { realTimeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('rejects bad options with CONFIG', async () => {
    await expect(testWorkflow({} as never, null)).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(testWorkflow(order, { orderId: 'x', amount: 1 }, { events: [{} as never] })).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(
      testWorkflow(order, { orderId: 'x', amount: 1 }, { events: [{ type: 'a', afterMs: 'soon' as never }] }),
    ).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(
      testWorkflow(order, { orderId: 'x', amount: 1 }, { clock: { now: () => 0 } as never }),
    ).rejects.toMatchObject({ code: 'CONFIG' });
  });
});
