import { guardFor, IntegrationError, type IntegrationErrorOptions } from './integration-error.js';

/** Why a webhook delivery was refused. */
export type WebhookVerificationReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'invalid_signature'
  | 'timestamp_out_of_range'
  | 'missing_secret'
  | 'payload_too_large'
  | 'duplicate';

/** Options of {@link WebhookVerificationError}. */
export interface WebhookVerificationErrorOptions extends IntegrationErrorOptions {
  reason: WebhookVerificationReason;
}

/**
 * A webhook delivery failed verification. The message never contains the secret, the expected
 * signature or the received one.
 *
 * @example
 * ```ts
 * if (isWebhookVerificationError(error)) return new Response('invalid signature', { status: 401 });
 * ```
 */
export class WebhookVerificationError extends IntegrationError {
  override name = 'WebhookVerificationError';
  declare readonly reason: WebhookVerificationReason;
  constructor(message: string, options: WebhookVerificationErrorOptions) {
    const { reason } = options;
    super(message, {
      ...options,
      code: options.code ?? 'WEBHOOK_VERIFICATION',
      retryable: false,
      details: { reason, ...options.details },
    });
    this.reason = reason;
  }
}

/** True when `value` is a {@link WebhookVerificationError}, across realms. */
export const isWebhookVerificationError: (value: unknown) => value is WebhookVerificationError =
  /* @__PURE__ */ guardFor<WebhookVerificationError>('WebhookVerificationError');
