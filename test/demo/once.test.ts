// `npm run demo -- --once` on the embedded defaults: the whole chain runs and nothing is lost.
import { describe, expect, it } from 'vitest';
import { cell, runDemoCli } from './helpers.js';

describe('demo --once (embedded)', () => {
  it('runs the seeded scenario, prints the summary table and exits 0', async () => {
    const { code, stdout, stderr } = await runDemoCli(['--once', '--calls', '12']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [banner] = stdout.split('\n');
    expect(banner).toMatch(/^WAWAGOT demo \(embedded\) · dashboard http:\/\/127\.0\.0\.1:\d+\/ /);
    expect(cell(stdout, 'mode')).toBe('embedded');
    expect(cell(stdout, 'lost')).toBe('0');
    expect(cell(stdout, 'unfinished workflows')).toBe('0');
    expect(cell(stdout, 'results stored (summary rows)')).toBe('12 / 12');
    expect(cell(stdout, 'webhooks accepted / rejected')).toBe('12 / 1');
    expect(cell(stdout, 'forged webhook answered')).toBe('401');
    expect(cell(stdout, 'jobs enqueued / done / dead')).toBe('48 / 48 / 0');
    // The seeded faults and the LLM outage make the resilience visible.
    expect(Number(cell(stdout, 'breaker openings'))).toBeGreaterThan(0);
    expect(Number(cell(stdout, 'retries (http / step / job)')?.split(' ')[0])).toBeGreaterThan(0);
    expect(cell(stdout, 'end-to-end latency p50 / p95')).toMatch(/^\d+ ms \/ \d+ ms$/);
  }, 120_000);
});
