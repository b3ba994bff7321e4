// A canary secret in every option — API keys, tokens, the Retell key (which signs and verifies
// the webhooks) and the DATABASE_URL password — never reaches a log line, an error or an event.
import { expect, it } from 'vitest';
import { startApp } from '../../examples/wawagot/app.js';
import { appOptions, parseOptions, runScenario } from '../../examples/wawagot/main.js';
import type { Logger } from '../../src/index.js';
import { recordBus } from '../../src/testing/index.js';
import { describeWithService, services, uniquePrefix } from '../helpers/services.js';
import { runDemoCli } from './helpers.js';

const CANARY = 'canary-7f3a9c2e51d84b60';
const secretEnv = (databaseUrl: string) => {
  const url = new URL(databaseUrl);
  url.password = `${CANARY}-pg`;
  return {
    OPENAI_API_KEY: `${CANARY}-openai`,
    AUTOMATION_API_KEY: `${CANARY}-automation`,
    KNOWLEDGE_TOKEN: `${CANARY}-knowledge`,
    RETELL_API_KEY: `${CANARY}-retell`,
    DATABASE_URL: url.toString(),
  };
};

/** Serialises errors with message, stack, cause and own fields (JSON.stringify drops them). */
const replacer = (_key: string, value: unknown) =>
  value instanceof Error
    ? { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause }
    : value;

await describeWithService('postgres', 'demo secrets', () => {
  it('keeps the canary out of every log line, error and bus event of a --once run', async () => {
    const env = secretEnv(services.postgres.url);
    expect(env.DATABASE_URL).toContain(CANARY); // trust auth ignores the password; the option carries it
    const options = parseOptions(['--once', '--calls', '8'], env);
    const lines: string[] = [];
    const record =
      (level: string) =>
      (obj: object, msg?: string): void => {
        lines.push(JSON.stringify({ level, msg, obj }, replacer));
      };
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const errors: unknown[] = [];
    const app = await startApp(appOptions({ ...options, prefix: uniquePrefix('canary') }, { port: 0, logger }));
    const recorder = recordBus(app.bus);
    let result: Awaited<ReturnType<typeof runScenario>> | undefined;
    try {
      result = await runScenario(app, options);
    } catch (error) {
      errors.push(error);
    } finally {
      await app.close({ cleanup: true }).catch((error) => errors.push(error));
    }
    expect(errors).toEqual([]);
    expect(result?.ok).toBe(true);
    // Every delivery was signed and verified with the canary Retell key.
    expect(recorder.ofType('webhook.received')).toHaveLength(8);
    expect(recorder.ofType('webhook.rejected')).toHaveLength(1);
    // Failures happened (seeded faults), so there were error messages to leak into.
    expect(recorder.ofType('http.retry').length + recorder.ofType('breaker.opened').length).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThan(0);

    const everything = [...lines, JSON.stringify(recorder.events, replacer), result?.table ?? ''].join('\n');
    expect(everything).not.toContain(CANARY);
  }, 120_000);

  it('keeps the canary out of the CLI output, also with --verbose and with a bad DATABASE_URL', async () => {
    const env = secretEnv(services.postgres.url);
    const run = await runDemoCli(['--once', '--calls', '5', '--verbose'], env);
    expect(run.code).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain(CANARY);

    const bad = new URL(env.DATABASE_URL);
    bad.username = 'no_such_role';
    bad.searchParams.set('application_name', `${CANARY}-app`);
    const failed = await runDemoCli(['--once'], { ...env, DATABASE_URL: bad.toString() }, 30_000);
    expect(failed.code).toBe(2);
    expect(`${failed.stdout}${failed.stderr}`).not.toContain(CANARY);
  }, 120_000);
});
