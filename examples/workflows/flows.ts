// The seed's four cross-system flows as durable workflows. Every call to another system is a
// step: its result is stored before the next step starts, so a crash or a failing service
// resumes the flow where it stopped instead of losing it (the seed returned `{ error }`).
import type { createGraphQLClient } from '@wawagot/integrations/graphql';
import type { createRestClient } from '@wawagot/integrations/rest';
import { defineWorkflow, type WorkflowBus } from '@wawagot/integrations/workflows';

type Rest = ReturnType<typeof createRestClient>;
type GraphQL = ReturnType<typeof createGraphQLClient>;

/** The clients the flows talk through. */
export interface FlowClients {
  openai: Rest;
  automation: Rest;
  retell: Rest;
  knowledge: GraphQL;
  bus: WorkflowBus;
}

interface ChatCompletion {
  choices: Array<{ message: { content: string } }>;
}
interface AutomationRun {
  id: string;
  output: { actions: string[] };
}
const ADD_FACT = `mutation ($s: String!, $p: String!, $o: String!) { addFact(subject: $s, predicate: $p, object: $o) { subject } }`;
const SEARCH = `query ($text: String!) { search(text: $text) { id facts { predicate object } } }`;

/** Builds the four flows over the given clients. */
export function createFlows(c: FlowClients) {
  const ask = async (prompt: string, signal: AbortSignal) => {
    const res = await c.openai.post<ChatCompletion>('chat/completions', {
      json: { model: 'stand-in-1', messages: [{ role: 'user', content: prompt }] },
      signal,
    });
    return res.choices[0]?.message.content ?? '';
  };
  // The run id makes the automation call idempotent: a retried or resumed step never starts a second run.
  const automate = (name: string, input: unknown, key: string, signal: AbortSignal) =>
    c.automation.post<AutomationRun>('automations/:name/runs', {
      params: { name },
      json: input,
      idempotencyKey: key,
      signal,
    });
  const remember = (subject: string, predicate: string, object: string) =>
    c.knowledge.mutate(ADD_FACT, { s: subject, p: predicate, o: object }, { idempotent: true });

  /** 1. AI processes the data, automation acts on it, the knowledge graph records both. */
  const aiAutomation = defineWorkflow('ai_automation', async (input: { text: string }, step, ctx) => {
    const aiResult = await step.run('ai', ({ signal }) => ask(input.text, signal));
    const run = await step.run('automation', ({ signal }) =>
      automate('triage', { aiResult }, `${ctx.runId}:automation`, signal),
    );
    await step.run('store', () => remember(ctx.runId, 'ai_automation', JSON.stringify({ aiResult, run: run.id })));
    return { aiResult, automationResult: run.output };
  });

  /** 2. Automation runs, its result becomes knowledge, the knowledge is analysed. */
  const automationKnowledge = defineWorkflow(
    'automation_knowledge',
    async (input: { automation: string; data: unknown }, step, ctx) => {
      const run = await step.run('automation', ({ signal }) =>
        automate(input.automation, input.data, `${ctx.runId}:automation`, signal),
      );
      await step.run('store', () => remember(input.automation, 'produced', run.output.actions.join(',')));
      const analysis = await step.run('analyze', () =>
        c.knowledge.query<{ search: unknown[] }>(SEARCH, { text: input.automation }),
      );
      return { automationResult: run.output, analysis: analysis.search };
    },
  );

  /** 3. Knowledge drives a voice call; the flow waits (durably) for the call-ended webhook. */
  const knowledgeVoice = defineWorkflow(
    'knowledge_voice',
    async (input: { topic: string; phone: string }, step, ctx) => {
      const facts = await step.run('lookup', () =>
        c.knowledge.query<{ search: unknown[] }>(SEARCH, { text: input.topic }),
      );
      const call = await step.run('call', ({ signal }) =>
        c.retell.post<{ call_id: string }>('create-phone-call', {
          json: { to_number: input.phone, metadata: { runId: ctx.runId, facts: facts.search.length } },
          idempotencyKey: `${ctx.runId}:call`,
          signal,
        }),
      );
      const ended = await step.waitForEvent<{ callId: string; transcript: string }>('call-ended', {
        type: 'voice.call_ended',
        match: (data) => data.callId === call.call_id,
        timeoutMs: '10m',
      });
      if (!ended) throw new Error(`call ${call.call_id} did not end within 10 minutes`);
      return { callId: call.call_id, transcript: ended.data.transcript };
    },
  );

  /** 4. A finished call is summarised and pushed to the dashboard through the bus. */
  const voiceDashboard = defineWorkflow('voice_dashboard', async (input: { callId: string }, step) => {
    const ended = await step.waitForEvent<{ callId: string; transcript: string }>('call-ended', {
      type: 'voice.call_ended',
      match: 'data.callId',
      timeoutMs: '10m',
    });
    if (!ended) throw new Error(`call ${input.callId} did not end within 10 minutes`);
    const summary = await step.run('summarize', ({ signal }) => ask(ended.data.transcript, signal));
    await step.run('publish', async () => {
      await c.bus.publish('dashboard.update' as never, { callId: input.callId, summary } as never);
    });
    return { callId: input.callId, summary };
  });

  return { aiAutomation, automationKnowledge, knowledgeVoice, voiceDashboard };
}
