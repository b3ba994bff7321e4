import { createConnection } from 'node:net';
import { describe } from 'vitest';

/** Connection settings of the services integration tests use (the local defaults). */
export const services = {
  redis: { host: '127.0.0.1', port: 6379, url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  postgres: {
    host: '127.0.0.1',
    port: 5432,
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  },
  nats: { host: '127.0.0.1', port: 4222, url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
} as const;

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * `describe` for a suite that needs a real service. When the service does not answer, the
 * suite is skipped with a printed reason, unless `REQUIRE_SERVICES=1` (CI), where it fails.
 */
export async function describeWithService(name: keyof typeof services, title: string, body: () => void): Promise<void> {
  const { host, port } = services[name];
  const ok = await reachable(host, port);
  if (!ok) {
    const reason = `${name} is not reachable at ${host}:${port}`;
    if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${reason} and REQUIRE_SERVICES=1`);
    console.warn(`skipping "${title}": ${reason}`);
    describe.skip(title, body);
    return;
  }
  describe(title, body);
}

/** A prefix unique to this test process, for Redis keys, queue names and SQL schemas. */
export function uniquePrefix(label: string): string {
  return `t_${label}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
