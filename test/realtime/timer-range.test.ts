import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/index.js';
import { createRealtimeHub } from '../../src/realtime/index.js';
import { attachWebSocket } from '../../src/realtime/node/index.js';

// Timers longer than 2^31 - 1 ms fire after 1 ms: an `Infinity` heartbeat or ping interval
// would flood every client (and the ping would terminate them all).
describe('realtime timer options', () => {
  for (const value of [Number.POSITIVE_INFINITY, 3_000_000_000]) {
    it(`createRealtimeHub refuses heartbeatMs: ${value} with CONFIG`, () => {
      expect(() => createRealtimeHub({ bus: createBus(), heartbeatMs: value })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
    });

    it(`attachWebSocket refuses pingIntervalMs: ${value} with CONFIG`, () => {
      const hub = createRealtimeHub({ bus: createBus() });
      const server = createServer();
      expect(() => attachWebSocket(server, hub, { path: '/ws', pingIntervalMs: value })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
      expect(server.listenerCount('upgrade')).toBe(0);
      hub.close();
    });
  }
});
