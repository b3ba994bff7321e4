// Stand-in for an OpenAI-compatible chat API: POST /v1/chat/completions, JSON or SSE stream.
import type { FaultOptions } from './faults.js';
import { faultInjector } from './faults.js';
import { json, type StandIn, startStandIn } from './http.js';

interface ChatRequest {
  model?: string;
  stream?: boolean;
  messages?: Array<{ role: string; content: string }>;
}

/** A canned, deterministic "answer" for a prompt. */
function answerFor(prompt: string): string {
  return `Summary: ${prompt.slice(0, 80)} -> create a follow-up task and notify the customer.`;
}

export function startLlm(faults: FaultOptions = {}): Promise<StandIn> {
  let counter = 0;
  return startStandIn(
    'llm',
    (req, res, body) => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
        return json(res, 404, { error: { message: 'not found' } });
      const request = (body ?? {}) as ChatRequest;
      const prompt = request.messages?.at(-1)?.content ?? '';
      const text = answerFor(prompt);
      const id = `chatcmpl-${++counter}`;
      if (!request.stream) {
        return json(res, 200, {
          id,
          object: 'chat.completion',
          model: request.model ?? 'stand-in-1',
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage: {
            prompt_tokens: prompt.length,
            completion_tokens: text.length,
            total_tokens: prompt.length + text.length,
          },
        });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const words = text.split(' ');
      let i = 0;
      const tick = () => {
        if (res.destroyed) return;
        if (i < words.length) {
          const delta = { content: `${i === 0 ? '' : ' '}${words[i++]}` };
          res.write(
            `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', choices: [{ index: 0, delta }] })}\n\n`,
          );
          setTimeout(tick, 2);
        } else {
          res.write('data: [DONE]\n\n');
          res.end();
        }
      };
      tick();
    },
    faultInjector(faults),
  );
}
