// The seed's four workflows, chained through its four queues:
//   ai_tasks → ai_automation → automation_tasks → automation_knowledge → knowledge_updates →
//   knowledge_voice → voice_tasks → voice_dashboard.
// Every call to another system is a durable step; the last step of each flow enqueues the next
// queue with a jobId derived from the request, so a replayed step never enqueues twice.
import { type CacheAside, cacheAside, type KeyValue, type Table } from '@wawagot/integrations/db';
import type { FileHub } from '@wawagot/integrations/files';
import type { GraphQLClient } from '@wawagot/integrations/graphql';
import { exponential } from '@wawagot/integrations/policies';
import type { Queue } from '@wawagot/integrations/queue';
import type { RestClient } from '@wawagot/integrations/rest';
import { defineWorkflow, type StepRetry } from '@wawagot/integrations/workflows';
import type { ResultRow, SummaryRow } from './backends.js';

/** A customer request as it travels down the chain. */
export interface CustomerRequest {
  requestId: string;
  text: string;
  /** When the request was enqueued (ms since epoch): end-to-end latency starts here. */
  createdAt: number;
}

export type Queues = {
  ai_tasks: CustomerRequest;
  automation_tasks: CustomerRequest & { answer: string; automationRun: string };
  knowledge_updates: CustomerRequest & { answer: string; facts: number };
  voice_tasks: CustomerRequest & { answer: string; callId: string; transcriptPath: string; transcript: string };
};

export type CallEnded = { callId: string; requestId: string; transcript: string };

/** The events the demo itself publishes (the library's SystemEvents come on top). */
export type DemoEvents = {
  'ai.answered': { requestId: string; chars: number };
  'automation.run_completed': { requestId: string; runId: string; actions: string[] };
  'knowledge.updated': { requestId: string; facts: number; cached: boolean };
  'voice.call_placed': { requestId: string; callId: string };
  'voice.call_ended': CallEnded;
  'dashboard.update': { requestId: string; callId: string; summary: string; latencyMs: number };
};

/** What the flows talk through. */
export interface FlowDeps {
  openai: RestClient;
  automation: RestClient;
  retell: RestClient;
  /** The knowledge graph's REST view (entities by id). */
  knowledgeRest: RestClient;
  knowledge: GraphQLClient;
  bus: { publish(type: string, data: unknown): Promise<unknown> };
  queue: Queue<Queues>;
  kv: KeyValue;
  files: FileHub<'transcripts'>;
  results: Table<ResultRow>;
  summaries: Table<SummaryRow>;
  /** How long a flow waits for a call's webhook before it looks for it in the KV. */
  callTimeoutMs: number;
}

const ADD_FACT = `mutation AddFact($s: String!, $p: String!, $o: String!) {
  addFact(subject: $s, predicate: $p, object: $o) { subject }
}`;
const SEARCH = `query Search($text: String!) { search(text: $text) { id facts { predicate object } } }`;

/** Steps retry transient failures, and an open breaker too: it closes again after `halfOpenAfter`. */
const stepRetry: StepRetry = {
  maxAttempts: 20,
  backoff: exponential({ initial: 250, max: 1500 }),
  retryOn: (error) => {
    const e = error as { code?: string; retryable?: boolean };
    return e?.code === 'CIRCUIT_OPEN' || e?.retryable !== false;
  },
};

/** The KV key under which the webhook receiver records an ended call. */
export const callEndedKey = (requestId: string) => `call-ended:${requestId}`;

export function createFlows(d: FlowDeps) {
  const search: CacheAside<unknown[]> = cacheAside(
    d.kv,
    async (key) =>
      (await d.knowledge.query<{ search: unknown[] }>(SEARCH, { text: key.slice('knowledge:search:'.length) })).search,
    { ttlMs: 2_000, name: 'knowledge-search' },
  );

  const aiAutomation = defineWorkflow(
    'ai_automation',
    async (input: CustomerRequest, step) => {
      const answer = await step.run('ask-llm', async ({ signal }) => {
        let text = '';
        // Token streaming over SSE; a completion has no side effect, so the POST may be retried.
        for await (const event of d.openai.stream('chat/completions', {
          json: { model: 'stand-in-1', stream: true, messages: [{ role: 'user', content: input.text }] },
          idempotencyKey: true,
          signal,
        })) {
          if (event.data === '[DONE]') break;
          const chunk = JSON.parse(event.data) as { choices?: Array<{ delta?: { content?: string } }> };
          text += chunk.choices?.[0]?.delta?.content ?? '';
        }
        await d.bus.publish('ai.answered', { requestId: input.requestId, chars: text.length });
        return text;
      });
      const run = await step.run('run-automation', async ({ signal }) => {
        // The key is derived from the request: a retried step, or a re-run, never starts a second run.
        const r = await d.automation.post<{ id: string; output: { actions: string[] } }>('automations/:name/runs', {
          params: { name: 'triage' },
          json: { requestId: input.requestId, answer },
          idempotencyKey: `${input.requestId}-triage`,
          signal,
        });
        await d.bus.publish('automation.run_completed', {
          requestId: input.requestId,
          runId: r.id,
          actions: r.output.actions,
        });
        return { id: r.id };
      });
      await step.run('store-result', async () => {
        await d.results.upsert(
          { request_id: input.requestId, answer, automation_run: run.id, created_at: input.createdAt },
          { onConflict: 'request_id' },
        );
      });
      await step.run('enqueue-automation', async () => {
        await d.queue.send(
          'automation_tasks',
          { ...input, answer, automationRun: run.id },
          { jobId: `automation-${input.requestId}` },
        );
      });
      return { answer, automationRun: run.id };
    },
    { retry: stepRetry },
  );

  const automationKnowledge = defineWorkflow(
    'automation_knowledge',
    async (input: Queues['automation_tasks'], step) => {
      await step.run('add-fact', () =>
        d.knowledge.mutate(
          ADD_FACT,
          { s: input.requestId, p: 'handled_by', o: `triage ${input.automationRun}` },
          // Retrying this mutation is safe: the same fact about the same request, recorded again.
          { idempotent: true },
        ),
      );
      const facts = await step.run('search', async () => {
        const key = 'knowledge:search:triage';
        const before = await d.kv.has(key); // only for the dashboard: was it a cache hit?
        const found = await search.get(key);
        await d.bus.publish('knowledge.updated', { requestId: input.requestId, facts: found.length, cached: before });
        return found.length;
      });
      await step.run('enqueue-knowledge', async () => {
        await d.queue.send(
          'knowledge_updates',
          { requestId: input.requestId, text: input.text, createdAt: input.createdAt, answer: input.answer, facts },
          { jobId: `knowledge-${input.requestId}` },
        );
      });
      return { facts };
    },
    { retry: stepRetry },
  );

  const knowledgeVoice = defineWorkflow(
    'knowledge_voice',
    async (input: Queues['knowledge_updates'], step) => {
      const known = await step.run('lookup-entity', async ({ signal }) => {
        const entity = await d.knowledgeRest.get<{ facts: unknown[] }>('entities/:id', {
          params: { id: input.requestId },
          signal,
        });
        return entity.facts.length;
      });
      const call = await step.run('place-call', async ({ signal }) => {
        const placed = await d.retell.post<{ call_id: string }>('create-phone-call', {
          json: {
            from_number: '+15550100',
            to_number: '+15550199',
            metadata: { requestId: input.requestId, knownFacts: known },
          },
          idempotencyKey: `${input.requestId}-call`,
          signal,
        });
        await d.bus.publish('voice.call_placed', { requestId: input.requestId, callId: placed.call_id });
        return { callId: placed.call_id };
      });
      const ended = await step.waitForEvent<CallEnded>('call-ended', {
        type: 'voice.call_ended',
        match: 'data.requestId',
        timeoutMs: d.callTimeoutMs,
      });
      // A webhook that arrived before the wait was registered is in the KV (the receiver stores it).
      const data =
        ended?.data ??
        (await step.run('find-ended-call', async () => {
          const stored = await d.kv.get<CallEnded>(callEndedKey(input.requestId));
          if (!stored) throw new Error(`call ${call.callId} did not end`);
          return stored;
        }));
      const saved = await step.run('save-transcript', async () => {
        const file = await d.files.save('transcripts', `calls/${input.requestId}.txt`, data.transcript, {
          contentType: 'text/plain',
        });
        return { path: file.path };
      });
      await step.run('enqueue-voice', async () => {
        await d.queue.send(
          'voice_tasks',
          {
            requestId: input.requestId,
            text: input.text,
            createdAt: input.createdAt,
            answer: input.answer,
            callId: data.callId,
            transcriptPath: saved.path,
            transcript: data.transcript,
          },
          { jobId: `voice-${input.requestId}` },
        );
      });
      return { callId: data.callId };
    },
    { retry: stepRetry },
  );

  const voiceDashboard = defineWorkflow(
    'voice_dashboard',
    async (input: Queues['voice_tasks'], step) => {
      const lines = input.transcript.split('\n').length;
      const summary = `${input.answer.slice(0, 60)} (call ${input.callId}, ${lines} lines)`;
      const latencyMs = await step.run('publish-dashboard', async () => {
        const latency = Math.max(0, Date.now() - input.createdAt);
        await d.bus.publish('dashboard.update', {
          requestId: input.requestId,
          callId: input.callId,
          summary,
          latencyMs: latency,
        });
        return latency;
      });
      await step.run('write-summary', async () => {
        await d.summaries.upsert(
          {
            request_id: input.requestId,
            call_id: input.callId,
            summary,
            transcript_path: input.transcriptPath,
            latency_ms: latencyMs,
            completed_at: Date.now(),
          },
          { onConflict: 'request_id' },
        );
      });
      return { summary, latencyMs };
    },
    { retry: stepRetry },
  );

  return { aiAutomation, automationKnowledge, knowledgeVoice, voiceDashboard };
}
