// Next.js App Router route handler: app/api/webhooks/stripe/route.ts
// Verifies Stripe's signature over the raw body (read it with request.arrayBuffer(), never
// request.json()), then handles the event. Runs on the Edge and on the Node.js runtime.
import { isWebhookVerificationError, stripe, verifyWebhook } from '@wawagot/integrations/webhooks';

export const runtime = 'edge';
export const dynamic = 'force-dynamic';

interface StripeEvent {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

const scheme = stripe({ secret: process.env.STRIPE_WEBHOOK_SECRET ?? '' });

export async function POST(request: Request): Promise<Response> {
  let event: StripeEvent;
  try {
    ({ payload: event } = await verifyWebhook<StripeEvent>(request, scheme, { maxBodyBytes: 512 * 1024 }));
  } catch (error) {
    if (isWebhookVerificationError(error)) {
      const status = error.reason === 'payload_too_large' ? 413 : 401;
      return new Response(status === 413 ? 'payload too large' : 'invalid signature', { status });
    }
    throw error;
  }

  switch (event.type) {
    case 'checkout.session.completed':
      // Fulfil the order here (idempotently: Stripe may deliver an event more than once).
      break;
    default:
      break;
  }
  return Response.json({ received: true, id: event.id, type: event.type });
}
