import { describe, expect, it } from 'vitest';
import { runDemo } from '../../examples/workflows/main.js';

describe('examples/workflows', () => {
  it('runs the four seed flows against the stand-in services, through injected faults', async () => {
    const lines: string[] = [];
    const outputs = (await runDemo({ log: (line) => lines.push(line) })) as Record<string, Record<string, unknown>>;
    expect(Object.keys(outputs)).toEqual([
      'ai_automation',
      'automation_knowledge',
      'knowledge_voice',
      'voice_dashboard',
    ]);
    expect(String(outputs.ai_automation?.aiResult)).toContain('Summary:');
    expect(outputs.ai_automation?.automationResult).toEqual({ actions: ['ticket.created', 'customer.notified'] });
    expect(Array.isArray(outputs.automation_knowledge?.analysis)).toBe(true);
    expect(String(outputs.knowledge_voice?.transcript)).toContain('Agent:');
    expect(String(outputs.voice_dashboard?.summary)).toContain('Summary:');
    expect(lines.some((l) => l.startsWith('  dashboard <-'))).toBe(true);
  }, 60_000);
});
