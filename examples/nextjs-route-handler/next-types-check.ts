// Repository-only: type-checks the route handler against Next.js's own types (next is a dev
// dependency of the SDK's repository), as `next build` does in an App Router project.
import type { AppSegmentConfig } from 'next/dist/build/segment-config/app/app-segment-config.js';
import type { NextRequest } from 'next/server.js';
import * as route from './app/api/webhooks/stripe/route.js';

// Next.js calls a route handler with a NextRequest and its segment params; it must return a Response.
type NextRouteHandler = (
  request: NextRequest,
  context: { params: Promise<Record<string, string | string[]>> },
) => Response | Promise<Response>;

export const POST: NextRouteHandler = route.POST;
// The route's segment options must be values Next.js accepts.
export const config: Pick<AppSegmentConfig, 'runtime' | 'dynamic'> = { runtime: route.runtime, dynamic: route.dynamic };
