import { connect, type NatsConnection, StorageType } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsTransport } from '../../src/bus/nats/index.js';
import { describeWithService, uniquePrefix } from '../helpers/services.js';
import { transportContract } from './fixtures/contract.js';
import { shareNats } from './fixtures/nats-lock.js';

// Registered before the reachability check: a server restart by another suite is waited out.
const releaseNats = await shareNats();
afterAll(releaseNats);

await describeWithService('nats', 'natsTransport', () => {
  let nc: NatsConnection;
  const streams: string[] = [];
  let stream = '';
  const subject = () => stream.toLowerCase();
  const fresh = () => {
    stream = uniquePrefix('bus').replace(/[^A-Za-z0-9_-]/g, '_');
    streams.push(stream, `${stream}_DEAD`);
  };
  fresh();
  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    for (const s of streams) await jsm.streams.delete(s).catch(() => false);
    await nc.close();
  });
  const info = async (name: string) => (await nc.jetstreamManager()).streams.info(name).catch(() => undefined);

  transportContract({
    make(options = {}) {
      return natsTransport(nc, { stream, subjectPrefix: subject(), ackWaitMs: 30_000, ...options });
    },
    reset: fresh,
    stored: async () => (await info(stream))?.state.messages ?? 0,
    async pending(group, type) {
      const jsm = await nc.jetstreamManager();
      const name = `${group}-${type.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
      const ci = await jsm.consumers.info(stream, name);
      return ci.num_ack_pending + ci.num_pending;
    },
    async deadLetters() {
      const count = (await info(`${stream}_DEAD`))?.state.messages ?? 0;
      const jsm = await nc.jetstreamManager();
      const out = [];
      for (let seq = 1; seq <= count; seq++) {
        const m = await jsm.streams.getMessage(`${stream}_DEAD`, { seq });
        out.push({
          body: new TextDecoder().decode(m.data),
          error: JSON.parse(m.header.get('Wawagot-Error')),
          group: m.header.get('Wawagot-Group'),
        });
      }
      return out;
    },
    async rawPublish(type, body) {
      const jsm = await nc.jetstreamManager();
      if (!(await info(stream))) {
        await jsm.streams.add({ name: stream, subjects: [`${subject()}.>`], storage: StorageType.File });
      }
      await nc.jetstream().publish(`${subject()}.${type}`, new TextEncoder().encode(body));
    },
  });

  describe('nats specifics', () => {
    it('a retried publish with the same envelope id is stored once (Nats-Msg-Id)', async () => {
      const transport = natsTransport(nc, { stream, subjectPrefix: subject() });
      const envelope = { specversion: '1.0' as const, id: 'same-id', source: 's', type: 't.x', time: 'now', data: 1 };
      await transport.publish(envelope);
      await transport.publish(envelope);
      expect((await info(stream))?.state.messages).toBe(1);
      await expect(transport.publish({ ...envelope, type: 'bad type' })).rejects.toMatchObject({ code: 'CONFIG' });
      // Types alternate: each goes to its own subject.
      await transport.publish({ ...envelope, id: 'y1', type: 't.y' });
      await transport.publish({ ...envelope, id: 'x2' });
      const jsm = await nc.jetstreamManager();
      expect((await jsm.streams.getMessage(stream, { last_by_subj: `${subject()}.t.y` })).seq).toBe(2);
      expect((await jsm.streams.getMessage(stream, { last_by_subj: `${subject()}.t.x` })).seq).toBe(3);
      await transport.close();
      // Rejects, never throws, once closed.
      const late = transport.publish({ ...envelope, id: 'late' });
      await expect(late).rejects.toMatchObject({ code: 'CONFIG' });
    });

    it('refuses a non-nats connection and conflicting durable/group', () => {
      expect(() => natsTransport({} as NatsConnection)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
      expect(() => natsTransport(nc, { durable: 'a', group: 'b' })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
      expect(() => natsTransport(nc, { subjectPrefix: 'a.>' })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
      expect(natsTransport(nc, { durable: 'workers' }).group).toBe('workers');
    });
  });
});
