import type { IncomingMessage } from 'node:http';

/** A body-less Web `Request` with the upgrade request's URL and headers, for `authorize`. */
export function upgradeRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    try {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    } catch {
      // A header value fetch's Headers refuses is simply not passed on.
    }
  }
  const host = /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host ?? '') ? req.headers.host : 'localhost';
  let url: string;
  try {
    url = new URL(req.url ?? '/', `http://${host}`).href;
  } catch {
    url = `http://${host}/`;
  }
  return new Request(url, { headers });
}
