import { configError } from '../internal/config.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration in milliseconds or as text: `'500ms'`, `'30s'`, `'5m'`, `'2h'`, `'7d'`, `'1w'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}`;

/**
 * Converts a {@link Duration} to milliseconds; throws `CONFIG` for anything else.
 *
 * @example
 * ```ts
 * parseDuration('5m'); // 300000
 * ```
 */
export function parseDuration(value: unknown, name = 'duration'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(value.trim());
    if (match?.[1] && match[2]) return Number(match[1]) * (UNITS[match[2]] ?? 1);
  }
  return configError(`${name} must be milliseconds >= 0 or a string like '30s', '5m', '7d'; got ${String(value)}`);
}
