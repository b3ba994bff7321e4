// The WAWAGOT demo:
//   npm run demo                     # runs until Ctrl-C; dashboard at the printed URL
//   npm run demo -- --once --calls 50  # a fixed seeded scenario, a summary table, exit 0 / 1
// REDIS_URL and DATABASE_URL switch the backends (see README.md next to this file).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@wawagot/integrations';
import { type App, type AppOptions, type DemoSecrets, startApp } from './app.js';
import { DemoConfigError, runPrefix } from './backends.js';
import { progressLine, type Summary, summarize, summaryTable, unfinished } from './metrics.js';

export interface DemoOptions {
  once: boolean;
  calls: number;
  seed: number;
  port: number;
  /** Continuous mode: one new customer request every `intervalMs`. */
  intervalMs: number;
  /** `--once`: give up waiting after this long. */
  timeoutMs: number;
  /** Keep this run's Redis keys, schemas and files (by default `--once` deletes them). */
  keep: boolean;
  verbose: boolean;
  redisUrl?: string | undefined;
  databaseUrl?: string | undefined;
  secrets: DemoSecrets;
  prefix?: string;
}

const HELP = `usage: npm run demo -- [--once] [--calls N] [--seed N] [--port N] [--interval MS] [--timeout MS] [--keep] [--verbose]
env: REDIS_URL (queues, bus, KV, workflow store on Redis), DATABASE_URL (tables, workflow store on PostgreSQL), PORT`;

const CUSTOMER_MESSAGES = [
  'My order arrived broken, I want a refund',
  'Please call me back about my invoice',
  'The delivery is three days late',
  'I was charged twice for the same order',
  'Can you change my delivery address?',
  'The product stopped working after a week',
];

/** Parses argv and the environment; throws {@link DemoConfigError} on anything unusable. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): DemoOptions {
  const options: DemoOptions = {
    once: false,
    calls: 50,
    seed: 42,
    port: env.PORT ? Number(env.PORT) : 3000,
    intervalMs: 1000,
    timeoutMs: 0,
    keep: false,
    verbose: false,
    redisUrl: env.REDIS_URL || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    secrets: {
      openaiKey: env.OPENAI_API_KEY || 'stand-in-openai-key',
      automationKey: env.AUTOMATION_API_KEY || 'stand-in-automation-key',
      knowledgeToken: env.KNOWLEDGE_TOKEN || 'stand-in-knowledge-token',
      retellKey: env.RETELL_API_KEY || 'stand-in-retell-key',
    },
  };
  const number = (flag: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min) {
      throw new DemoConfigError(`${flag} needs an integer >= ${min}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--once') options.once = true;
    else if (flag === '--calls') options.calls = number('--calls', value(), 1);
    else if (flag === '--seed') options.seed = number('--seed', value(), 0);
    else if (flag === '--port') options.port = number('--port', value(), 0);
    else if (flag === '--interval') options.intervalMs = number('--interval', value(), 10);
    else if (flag === '--timeout') options.timeoutMs = number('--timeout', value(), 1000);
    else if (flag === '--keep') options.keep = true;
    else if (flag === '--verbose') options.verbose = true;
    else if (flag === '--help' || flag === '-h') throw new DemoConfigError(HELP);
    else throw new DemoConfigError(`unknown option ${flag} (try --help)`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new DemoConfigError('PORT must be an integer between 0 and 65535');
  }
  return options;
}

/** The app's options for a demo run: the seeded faults every mode runs with. */
export function appOptions(options: DemoOptions, extra: Partial<AppOptions> = {}): AppOptions {
  return {
    secrets: options.secrets,
    redisUrl: options.redisUrl,
    databaseUrl: options.databaseUrl,
    prefix: options.prefix ?? runPrefix(),
    port: options.port,
    faults: { errorRate: 0.08, rateLimitRate: 0.04, retryAfterSec: 1, slowRate: 0.04, slowMs: 400, seed: options.seed },
    // An LLM outage a few requests in: the breaker opens, half-opens and closes again.
    llmOutage: { from: Math.min(12, options.calls), count: 6 },
    ...extra,
  };
}

const requestId = (i: number) => `req-${String(i).padStart(4, '0')}`;
const messageFor = (i: number) => CUSTOMER_MESSAGES[i % CUSTOMER_MESSAGES.length] as string;

export interface OnceResult {
  summary: Summary;
  table: string;
  forgedStatus: number;
  ok: boolean;
}

/**
 * Runs the fixed scenario on a started app: `calls` requests, one forged webhook, then waits
 * until every request is finished (or the timeout) and summarises.
 */
export async function runScenario(app: App, options: Pick<DemoOptions, 'calls' | 'timeoutMs'>): Promise<OnceResult> {
  // Requests arrive 20 ms apart, like a burst of customer messages.
  for (let i = 1; i <= options.calls; i++) {
    await app.submit(requestId(i), messageFor(i));
    await sleep(20);
  }
  const forgedStatus = await app.standIns.voice.sendForged();
  const deadline = Date.now() + (options.timeoutMs || 60_000 + options.calls * 1_000);
  const m = app.metrics;
  let rows = await app.stored();
  while (Date.now() < deadline) {
    if (rows.length >= options.calls && unfinished(m) === 0) break;
    await sleep(200);
    rows = await app.stored();
  }
  await app.standIns.voice.settled();
  const dead = await app.deadLetters();
  const summary = summarize(m, {
    mode: app.mode,
    calls: options.calls,
    stored: rows.length,
    dead,
    latencies: rows.map((r) => Number(r.latency_ms)),
  });
  summary.rows.splice(2, 0, ['forged webhook answered', String(forgedStatus)]);
  return {
    summary,
    table: summaryTable(summary),
    forgedStatus,
    ok: summary.lost === 0 && summary.unfinished === 0 && forgedStatus === 401,
  };
}

function cliLogger(verbose: boolean, print: (line: string) => void): Logger {
  const line = (level: string) => (obj: object, msg?: string) => {
    const err = (obj as { err?: { message?: string } }).err;
    print(`[${level}] ${msg ?? ''}${err?.message ? `: ${err.message}` : ''}`);
  };
  return { debug() {}, info() {}, warn: verbose ? line('warn') : () => {}, error: line('error') };
}

async function cli(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`wawagot demo: ${(error as Error).message}\n`);
    return 2;
  }
  const tty = process.stdout.isTTY === true;
  let status = '';
  const print = (line: string) => {
    if (tty && status) process.stdout.write('\r\x1b[2K');
    process.stdout.write(`${line}\n`);
    if (tty && status) process.stdout.write(status);
  };
  const showProgress = (line: string) => {
    status =
      line.length > (process.stdout.columns ?? 200) - 1 ? line.slice(0, (process.stdout.columns ?? 200) - 2) : line;
    process.stdout.write(`\r\x1b[2K${status}`);
  };

  let app: App;
  try {
    app = await startApp(
      appOptions(options, {
        logger: cliLogger(options.verbose, print),
        ...(options.once ? { port: 0 } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof DemoConfigError) {
      process.stderr.write(`wawagot demo: ${error.message}\n`);
      return 2;
    }
    const e = error as { code?: string; message?: string };
    process.stderr.write(`wawagot demo: could not start: ${e.code ? `${e.code} ` : ''}${e.message ?? error}\n`);
    return e.code === 'EADDRINUSE' ? 2 : 1;
  }

  print(`WAWAGOT demo (${app.mode}) · dashboard ${app.url}/ · upstreams are local stand-ins · Ctrl-C to stop`);
  const ticker = setInterval(
    () => {
      if (tty) showProgress(progressLine(app.metrics));
      else if (!options.once) print(progressLine(app.metrics));
    },
    tty ? 250 : 5_000,
  );

  if (options.once) {
    let interrupted = false;
    process.once('SIGINT', () => {
      interrupted = true;
      print('interrupted: finishing the jobs in flight...');
    });
    const result = await runScenario(app, { calls: options.calls, timeoutMs: options.timeoutMs });
    clearInterval(ticker);
    if (tty) process.stdout.write('\r\x1b[2K');
    status = '';
    await app.close({ cleanup: !options.keep });
    print(result.table);
    if (!result.ok) {
      const why = [
        result.summary.lost ? `${result.summary.lost} request(s) lost` : '',
        result.summary.unfinished ? `${result.summary.unfinished} workflow(s) unfinished` : '',
        result.forgedStatus !== 401 ? `the forged webhook was answered ${result.forgedStatus}` : '',
      ].filter(Boolean);
      process.stderr.write(`wawagot demo: FAILED: ${why.join(', ')}\n`);
    }
    return result.ok && !interrupted ? 0 : 1;
  }

  // Continuous mode: a steady stream of customer requests until Ctrl-C.
  let i = 0;
  const feeder = setInterval(() => {
    i++;
    app.submit(requestId(i), messageFor(i)).catch((error) => print(`[error] enqueue failed: ${error.message}`));
  }, options.intervalMs);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  clearInterval(feeder);
  process.once('SIGINT', () => {
    process.stderr.write('\nwawagot demo: forced exit; jobs in flight were not finished\n');
    process.exit(130);
  });
  print(
    `stopping: no new requests; finishing the ${app.metrics.requests - app.metrics.finished.size} in flight (Ctrl-C again to force)`,
  );
  const deadline = Date.now() + 60_000;
  while (app.metrics.finished.size < app.metrics.requests && Date.now() < deadline) await sleep(200);
  clearInterval(ticker);
  if (tty) process.stdout.write('\r\x1b[2K');
  status = '';
  const left = app.metrics.requests - app.metrics.finished.size;
  // Unfinished work stays where it is (Redis keys, PostgreSQL schemas) instead of being deleted.
  await app.close({ cleanup: !options.keep && left === 0 });
  print(progressLine(app.metrics));
  print(left ? `stopped; ${left} request(s) unfinished, their state kept (${app.describe})` : 'stopped, nothing lost');
  return left ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  cli().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`wawagot demo: ${(error as Error)?.message ?? error}\n`);
      process.exit(1);
    },
  );
}
