// The local upstream the smoke checks call (REST GET/POST, a flaky endpoint for retries).
import { createServer } from 'node:http';

export function startServer() {
  const flaky = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const json = (status, value, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      if (url.pathname === '/items' && req.method === 'GET') return json(200, [{ id: 1, name: 'first' }]);
      if (url.pathname === '/items' && req.method === 'POST') {
        return json(201, {
          created: JSON.parse(body || 'null'),
          idempotencyKey: req.headers['idempotency-key'] ?? null,
        });
      }
      if (url.pathname.startsWith('/flaky/')) {
        const key = url.pathname;
        const n = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, n);
        if (n < 3) return json(503, { error: 'try again' }, { 'retry-after': '0' });
        return json(200, { ok: true, attempts: n });
      }
      json(404, { error: 'not found' });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
