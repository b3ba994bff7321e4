// Repository-only type check (Next.js is not installed here): the handler has the Web-standard
// signature Next.js route handlers use, `(request: Request) => Promise<Response>`, and the segment
// config values Next accepts. In a Next.js project, `next build` checks the same.
import * as route from './app/api/webhooks/stripe/route.js';

type RouteHandler = (request: Request) => Response | Promise<Response>;
export const checked: {
  POST: RouteHandler;
  runtime: 'edge' | 'nodejs';
  dynamic: 'auto' | 'force-dynamic' | 'error' | 'force-static';
} = route;
