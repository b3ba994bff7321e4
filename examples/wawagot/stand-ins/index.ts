// Local STAND-INS for the upstream services of the demo. They are not the real OpenAI,
// automation, knowledge or Retell services: they run on 127.0.0.1, need no key or internet,
// and inject faults (5xx, 429 with Retry-After, slow replies) so retries, rate limits and
// circuit breakers have something to do.

import { startAutomation } from './automation.js';
import type { FaultOptions } from './faults.js';
import { startKnowledge } from './knowledge.js';
import { startLlm } from './llm.js';
import { startVoice } from './voice.js';

export type { FaultOptions } from './faults.js';

export interface StandInsOptions {
  faults?: FaultOptions;
  retellApiKey: string;
  webhookUrl: () => string;
  callDurationMs?: number;
  /** An outage of the LLM stand-in (see {@link FaultOptions.outage}). */
  llmOutage?: { from: number; count: number };
}

export async function startStandIns(options: StandInsOptions) {
  const { outage: _ignored, ...faults } = options.faults ?? {};
  const [llm, automation, knowledge, voice] = await Promise.all([
    startLlm({
      ...faults,
      seed: (faults.seed ?? 42) + 1,
      ...(options.llmOutage ? { outage: options.llmOutage } : {}),
    }),
    startAutomation({ ...faults, seed: (faults.seed ?? 42) + 2 }),
    startKnowledge({ ...faults, seed: (faults.seed ?? 42) + 3 }),
    startVoice({
      apiKey: options.retellApiKey,
      webhookUrl: options.webhookUrl,
      ...(options.callDurationMs === undefined ? {} : { callDurationMs: options.callDurationMs }),
      faults: { seed: (faults.seed ?? 42) + 4 },
    }),
  ]);
  return {
    llm,
    automation,
    knowledge,
    voice,
    urls: {
      openai: `${llm.url}/v1`,
      automation: `${automation.url}/v1`,
      knowledge: `${knowledge.url}/graphql`,
      knowledgeRest: `${knowledge.url}/v1`,
      retell: `${voice.url}/v2`,
    },
    async close() {
      await Promise.all([llm.close(), automation.close(), knowledge.close(), voice.close()]);
    },
  };
}
