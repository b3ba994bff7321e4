import type { Envelope, EventSink } from '../bus/types.js';
import { IntegrationError } from '../errors/integration-error.js';
import { errorInfo } from '../internal/error-info.js';
import { toJson } from '../internal/json.js';
import type { RunnerCore } from './core.js';
import { readPath } from './path.js';
import type { Waiter } from './store.js';

/** Largest event (JSON characters) stored for a waiting step: 256 KiB. */
const MAX_EVENT_CHARS = 262_144;

/** Stores bus events for waiting steps so that no event is lost across a crash. Internal. */
export interface EventIntake {
  watch(type: string, runId: string, stepId: string): () => void;
  refresh(): Promise<void>;
  close(): void;
}

type Subscribable = EventSink & {
  subscribe?: (type: '*', handler: (e: Envelope) => void | Promise<void>) => () => void;
};

export function createEventIntake(core: RunnerCore, bus: EventSink | undefined): EventIntake {
  const { store, clock, logger } = core;
  // Waiters of runs executing here, known before their step record is stored.
  const local = new Map<string, Map<string, Waiter>>();
  let types = new Set<string>();
  let loaded = false;
  let closed = false;

  async function refresh(): Promise<void> {
    try {
      const fresh = new Set(await store.waitedTypes());
      for (const type of local.keys()) fresh.add(type);
      types = fresh;
      loaded = true;
    } catch (error) {
      logger?.warn({ error: errorInfo(error) }, 'workflow waited-types refresh failed');
    }
  }

  async function onEvent(envelope: Envelope): Promise<void> {
    if (closed) return;
    const mine = local.get(envelope.type);
    if (loaded && !types.has(envelope.type) && !mine) return;
    try {
      const waiters = new Map<string, Waiter>();
      for (const w of await store.waiters(envelope.type)) waiters.set(`${w.runId}\n${w.stepId}`, w);
      for (const [key, w] of mine ?? []) if (!waiters.has(key)) waiters.set(key, w);
      if (waiters.size === 0) return;
      const json = toJson(envelope, 'event');
      if (json.length > MAX_EVENT_CHARS) {
        logger?.warn({ type: envelope.type, id: envelope.id, size: json.length }, 'workflow event too large to store');
        throw new IntegrationError(`event ${envelope.type} is too large for a waiting workflow`, {
          code: 'PAYLOAD_TOO_LARGE',
          details: { type: envelope.type, id: envelope.id, size: json.length },
        });
      }
      for (const w of waiters.values()) {
        if (w.matchPath !== undefined && toJson(readPath(envelope, w.matchPath) ?? null) !== w.matchValue) continue;
        await store.deliver(w.runId, w.stepId, json, clock.now());
        core.kick(w.runId);
      }
    } catch (error) {
      logger?.error({ type: envelope.type, id: envelope.id, error: errorInfo(error) }, 'workflow event not stored');
      throw error;
    }
  }

  const source = bus as Subscribable | undefined;
  const unsubscribe = typeof source?.subscribe === 'function' ? source.subscribe('*', onEvent) : undefined;
  void refresh();

  return {
    watch(type, runId, stepId) {
      const key = `${runId}\n${stepId}`;
      const map = local.get(type) ?? new Map<string, Waiter>();
      local.set(type, map);
      map.set(key, { runId, stepId });
      types.add(type);
      return () => {
        map.delete(key);
        if (map.size === 0) local.delete(type);
      };
    },
    refresh,
    close() {
      closed = true;
      unsubscribe?.();
    },
  };
}
