// Bundle-size budgets: each entry is a one-line consumer of the built package, bundled with
// esbuild --minify and gzipped at level 9 by scripts/size.mjs. Sizes are in bytes.
// `budget` is enforced (a regression guard set a little above the last measurement, so a small
// fix does not trip it); `goal` (or `goalOverPeer`: the `compare` peer's size plus this) is the
// target, printed beside it. `compare` names a peer measured in the same run.
export const budgets = [
  {
    name: 'IntegrationError',
    code: "import { IntegrationError } from '@wawagot/integrations'; export default IntegrationError;",
    budget: 350,
  },
  {
    // Goal 1.8 kB. Measured 2.78 kB. Of that, about: argument checks (options, publish options,
    // waitFor, collaborators, schemas copied without prototype) 550 B, secret redaction of handler errors 290 B,
    // waitFor with TimeoutError/AbortError 135 B, schema validation with ValidationError 130 B,
    // work-sharing groups 105 B, the transport hooks 90 B, the envelope-time cache that keeps
    // emit ahead of eventemitter3 30 B; IntegrationError itself is 340 B.
    name: 'createBus',
    code: "import { createBus } from '@wawagot/integrations/bus'; export default createBus;",
    budget: 2800,
    goal: 1800,
  },
  {
    // ioredis is injected (type import only), so this is the transport alone. Measured 4.63 kB.
    name: 'redisTransport',
    code: "import { redisTransport } from '@wawagot/integrations/bus/redis'; export default redisTransport;",
    budget: 4650,
  },
  {
    // Goal 2.5 kB. Measured 3.77 kB, of which about 0.3 kB is argument checks (options, execute's
    // fn, compose's policies, every backoff field), about 0.6 kB the error classes and the redacting
    // error summary. The rest: the breaker's isolate/onStateChange/toJSON+initialState and probe
    // limit, bus and logger events, option checks, the network-error pattern, and the timeout's
    // one shared timer (ref'd only while a call is pending).
    name: 'compose + retry + circuitBreaker + timeout',
    code: "import { compose, retry, circuitBreaker, timeout } from '@wawagot/integrations/policies'; export default [compose, retry, circuitBreaker, timeout];",
    budget: 3790,
    goal: 2500,
    compare: {
      name: 'cockatiel wrap+retry+breaker+timeout',
      code: "import { wrap, retry, circuitBreaker, timeout } from 'cockatiel'; export default [wrap, retry, circuitBreaker, timeout];",
    },
  },
  {
    // Includes ky, the default retry policy and the SSE parser behind stream().
    name: 'createRestClient + bearer (rest)',
    code: "import { createRestClient, bearer } from '@wawagot/integrations/rest'; export default [createRestClient, bearer];",
    budget: 13850,
    goalOverPeer: 2048,
    compare: { name: 'ky', code: "import ky from 'ky'; export default ky;" },
  },
  {
    // Includes graphql-request (with graphql's parser and printer) and the default retry policy.
    name: 'createGraphQLClient (graphql)',
    code: "import { createGraphQLClient } from '@wawagot/integrations/graphql'; export default createGraphQLClient;",
    budget: 21100,
    goalOverPeer: 1536,
    compare: {
      name: 'graphql-request',
      code: "import { GraphQLClient } from 'graphql-request'; export default GraphQLClient;",
    },
  },
  {
    // memoryDriver schedules jobs itself (no p-queue). The BullMQ driver (queue/bullmq) is
    // Node-only and bundles bullmq itself: no budget here.
    name: 'createQueue + memoryDriver (queue)',
    code: "import { createQueue, memoryDriver } from '@wawagot/integrations/queue'; export default [createQueue, memoryDriver];",
    budget: 9500,
    compare: { name: 'p-queue', code: "import PQueue from 'p-queue'; export default PQueue;" },
  },
  {
    // The whole durable-workflow engine with the in-memory store (Web-standard, edge-ready).
    name: 'createWorkflowRunner + defineWorkflow + memoryStore (workflows)',
    code: "import { createWorkflowRunner, defineWorkflow, memoryStore } from '@wawagot/integrations/workflows'; export default [createWorkflowRunner, defineWorkflow, memoryStore];",
    budget: 9720,
  },
  {
    // Verify with the Standard Webhooks scheme (the largest) on any runtime. The goal is
    // 1.2 kB; measured 2.60 kB (argument checks: 0.3 kB). IntegrationError + WebhookVerificationError weigh 0.43 kB alone
    // (~0.11 kB more here, gzip shares the rest). The rest: Node fast path and Web Crypto
    // fallback, capped streaming body reader, strict header parsing, key cache, the scheme's
    // sign(), lazily parsed payload. Dropping all of the optional parts still leaves ~1.9 kB.
    name: 'verifyWebhook + standardWebhooks (webhooks)',
    code: "import { verifyWebhook, standardWebhooks } from '@wawagot/integrations/webhooks'; export default [verifyWebhook, standardWebhooks];",
    budget: 2620,
    goal: 1200,
    compare: {
      name: 'standardwebhooks',
      code: "import { Webhook } from 'standardwebhooks'; export default Webhook;",
    },
  },
  {
    name: 'verifyWebhook + github (webhooks)',
    code: "import { verifyWebhook, github } from '@wawagot/integrations/webhooks'; export default [verifyWebhook, github];",
    budget: 2340,
    goal: 1200,
    compare: { name: 'svix Webhook', code: "import { Webhook } from 'svix'; export default Webhook;" },
  },
  {
    name: 'createWebhookRouter + all schemes + memoryDedup (webhooks)',
    code: "import * as w from '@wawagot/integrations/webhooks'; export default [w.createWebhookRouter, w.memoryDedup, w.standardWebhooks, w.stripe, w.github, w.shopify, w.slack, w.retell, w.hmac, w.signWebhook];",
    budget: 5980,
  },
  {
    // Server side of realtime on an edge runtime: SSE hub with replay, heartbeats, auth.
    name: 'createRealtimeHub (realtime)',
    code: "import { createRealtimeHub } from '@wawagot/integrations/realtime'; export default createRealtimeHub;",
    budget: 4600,
  },
  {
    // Browser bundle of the reconnecting SSE client (includes eventsource-parser).
    name: 'connectSSE (realtime)',
    code: "import { connectSSE } from '@wawagot/integrations/realtime'; export default connectSSE;",
    budget: 4400,
  },
  {
    // Edge cache: LRU key-value store with a stampede-free read-through cache.
    name: 'memoryKV + cacheAside (db)',
    code: "import { memoryKV, cacheAside } from '@wawagot/integrations/db'; export default [memoryKV, cacheAside];",
    budget: 2200,
  },
  {
    name: 'memoryTable (db)',
    code: "import { memoryTable } from '@wawagot/integrations/db'; export default memoryTable;",
    budget: 3300,
  },
  {
    name: 'supabaseTable (db/supabase)',
    code: "import { supabaseTable } from '@wawagot/integrations/db/supabase'; export default supabaseTable;",
    budget: 3600,
  },
  {
    // File hub on an edge runtime: sniffing, processors, mirrored storages in memory.
    name: 'createFileHub + memoryStorage + mirroredStorage (files)',
    code: "import { createFileHub, memoryStorage, mirroredStorage } from '@wawagot/integrations/files'; export default [createFileHub, memoryStorage, mirroredStorage];",
    budget: 4700,
  },
  {
    // Test-only helpers: the clock alone, and the toolkit without mockServices (whose lazy
    // import of the msw peer a bundler would inline). testWorkflow pulls in the workflow engine.
    name: 'createTestClock (testing)',
    code: "import { createTestClock } from '@wawagot/integrations/testing'; export default createTestClock;",
    budget: 1100,
  },
  {
    name: 'testWorkflow + webhookRequest + recordBus + createTestClock (testing)',
    code: "import { createTestClock, recordBus, testWorkflow, webhookRequest } from '@wawagot/integrations/testing'; export default [createTestClock, recordBus, testWorkflow, webhookRequest];",
    budget: 15000,
  },
];
