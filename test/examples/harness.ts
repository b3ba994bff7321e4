// Shared by the starter smoke tests: bundles a starter entry the way a user's build would (the
// package name resolved to the sources), starts it as a child process and waits for its
// `listening on <url>` line.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const root = fileURLToPath(new URL('../..', import.meta.url));
/** A runtime binary from runtimes/ (Bun, Deno, workerd), installed by `npm ci --prefix runtimes`. */
export function runtimeBin(name: string): string {
  const bin = join(root, 'runtimes/node_modules/.bin', name);
  if (!existsSync(bin)) throw new Error(`${name} is not installed: run \`npm ci --prefix runtimes\` first`);
  return bin;
}

const sources: Plugin = {
  name: 'package-sources',
  setup(b) {
    b.onResolve({ filter: /^@wawagot\/integrations(\/.*)?$/ }, (args) => ({
      path: join(root, 'src', args.path.slice('@wawagot/integrations'.length), 'index.ts'),
    }));
  },
};

const dirs: string[] = [];
export function cleanup(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Bundles `entry` (relative to the repo root) to one ESM file; packages other than ours stay external on Node. */
export async function bundle(
  entry: string,
  options: { platform?: 'node' | 'neutral'; external?: string[] } = {},
): Promise<string> {
  // Inside the repository (.tmp/ is ignored) so external packages resolve from its node_modules.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, '.tmp', 'starter-'));
  dirs.push(dir);
  const outfile = join(dir, 'entry.mjs');
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: options.platform ?? 'node',
    target: 'es2022',
    mainFields: ['module', 'main'],
    outfile,
    plugins: [sources],
    external: options.external ?? [],
    logLevel: 'error',
  });
  return outfile;
}

export interface Started {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns `command args` and resolves once it prints `listening on <url>`. */
export function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Started> {
  const child = spawn(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no "listening on" line within the time limit:\n${out}`));
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1].replace(/\/$/, ''), child, output: () => out, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${out}`));
    });
  });
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Serves a bundled Worker module with workerd (the `workerd` npm package in runtimes/), from a
 * generated config with text bindings, and resolves once it answers `GET /`.
 */
export async function startWorkerd(script: string, bindings: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const dir = dirname(script);
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .app) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ]
);
const app :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "${basename(script)}") ],
  compatibilityDate = "2024-09-23",
  bindings = [ ${Object.entries(bindings)
    .map(([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`)
    .join(', ')} ]
);
`;
  writeFileSync(join(dir, 'config.capnp'), config);
  const child = spawn(runtimeBin('workerd'), ['serve', join(dir, 'config.capnp')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    });
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`${url}/`);
      return { url, child, output: () => out, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`workerd did not answer:\n${out}`);
}
