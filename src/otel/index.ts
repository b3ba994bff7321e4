/**
 * OpenTelemetry instrumentation: the library's bus events as spans and metrics.
 * Requires the optional peer `@opentelemetry/api`.
 *
 * @example
 * ```ts
 * import { instrument } from '@wawagot/integrations/otel';
 * const stop = instrument(bus, { tracer, meter });
 * ```
 * @module
 */
export { type InstrumentedBus, type InstrumentOptions, instrument } from './instrument.js';
