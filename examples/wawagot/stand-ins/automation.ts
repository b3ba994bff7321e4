// Stand-in for an automation service's REST API: start a run of a named automation, read it back.
// Honours `Idempotency-Key`: the same key returns the same run instead of starting another.
import type { FaultOptions } from './faults.js';
import { faultInjector } from './faults.js';
import { json, type StandIn, startStandIn } from './http.js';

export interface Run {
  id: string;
  automation: string;
  status: 'completed';
  input: unknown;
  output: { actions: string[] };
}

export function startAutomation(faults: FaultOptions = {}): Promise<StandIn & { runs: Map<string, Run> }> {
  const runs = new Map<string, Run>();
  const byKey = new Map<string, Run>();
  let counter = 0;
  return startStandIn(
    'automation',
    (req, res, body) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const start = /^\/v1\/automations\/([\w-]+)\/runs$/.exec(url.pathname);
      if (req.method === 'POST' && start) {
        const key = req.headers['idempotency-key'];
        const existing = typeof key === 'string' ? byKey.get(key) : undefined;
        if (existing) return json(res, 200, existing);
        const run: Run = {
          id: `run_${++counter}`,
          automation: start[1] as string,
          status: 'completed',
          input: body,
          output: { actions: ['ticket.created', 'customer.notified'] },
        };
        runs.set(run.id, run);
        if (typeof key === 'string') byKey.set(key, run);
        return json(res, 201, run);
      }
      const read = /^\/v1\/runs\/([\w-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && read) {
        const run = runs.get(read[1] as string);
        return run ? json(res, 200, run) : json(res, 404, { error: { message: 'no such run' } });
      }
      json(res, 404, { error: { message: 'not found' } });
    },
    faultInjector(faults),
  ).then((s) => Object.assign(s, { runs }));
}
