// One bus across processes. Start each role in its own terminal (Redis at 127.0.0.1:6379 or
// NATS with JetStream at 127.0.0.1:4222):
//
//   node --import tsx examples/distributed-bus/main.ts worker  redis   # twice: they share the work
//   node --import tsx examples/distributed-bus/main.ts monitor redis   # sees every event
//   node --import tsx examples/distributed-bus/main.ts publish redis   # one order a second
//
// Replace `redis` with `nats` to use NATS JetStream. Inside this repository tsx resolves the
// package name to the sources (tsconfig.json `paths`), so no build is needed.
import { type BusTransport, createBus } from '@wawagot/integrations/bus';

type Events = { 'order.paid': { orderId: string; cents: number } };
const [role = 'monitor', broker = 'redis'] = process.argv.slice(2);

async function transport(): Promise<{
  transport: BusTransport & { ready(): Promise<void> };
  quit(): Promise<unknown>;
}> {
  if (broker === 'nats') {
    const { connect } = await import('nats');
    const { natsTransport } = await import('@wawagot/integrations/bus/nats');
    const nc = await connect({ servers: '127.0.0.1:4222', maxReconnectAttempts: -1 });
    return { transport: natsTransport(nc, { stream: 'EXAMPLE', subjectPrefix: 'example' }), quit: () => nc.close() };
  }
  const { Redis } = await import('ioredis');
  const { redisTransport } = await import('@wawagot/integrations/bus/redis');
  const redis = new Redis();
  return { transport: redisTransport(redis, { stream: 'example-events' }), quit: () => redis.quit() };
}

const { transport: t, quit } = await transport();
const bus = createBus<Events>({
  transport: t,
  source: `example-${role}-${process.pid}`,
  onHandlerError: (error, event) => console.error(`handler failed for ${event.id}:`, error),
});

if (role === 'worker') {
  // Work-sharing: each order is handled by one worker, at least once; a crash hands it to another.
  bus.subscribe(
    'order.paid',
    async (event) => {
      console.log(`worker ${process.pid}: receipt for ${event.data.orderId} (${event.data.cents} cents)`);
    },
    { group: 'mailer' },
  );
} else if (role === 'monitor') {
  // Broadcast: every monitor sees every event.
  bus.subscribe('*', (event) => console.log(`monitor ${process.pid}: ${event.type} ${event.id} from ${event.source}`));
} else {
  let n = 0;
  const timer = setInterval(async () => {
    const event = await bus.publish('order.paid', { orderId: `o_${++n}`, cents: 100 * n });
    console.log(`published ${event.id} (stored by the broker)`);
  }, 1000);
  process.once('SIGINT', () => clearInterval(timer));
}

await t.ready();
console.log(`${role} ready on ${broker}; Ctrl-C to stop`);
process.once('SIGINT', async () => {
  await bus.close(); // finishes running handlers and sends their acks
  await quit();
  process.exit(0);
});
