#!/usr/bin/env node
// Type-checks every ```ts / ```js / ```tsx example of README.md against the sources, in strict
// mode, as one TypeScript program: each block becomes its own module in a temporary directory
// (named after its heading), and `@wawagot/integrations` and its subpaths resolve to
// src/<subpath>/index.ts following package.json "exports".
//
// A block that relies on names the prose or an earlier block of its section introduces gets a
// typed prelude below, keyed by `<heading> #<n>` (n: the block's position under that heading).
// A prelude declares only what the snippet assumes exists, never the library's API.
// A block that is not code (a shell session marked ts) opts out with
// `<!-- check-readme: skip (reason) -->` on the line right before its fence; every skip is printed.
//
// Prints one line per error (README line, block heading and number, TypeScript error); exits 1 on any.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// The `bus`, `logger` and `clock` an options sketch passes along.
const SHARED = [
  "import type { Clock, Logger } from '@wawagot/integrations';",
  "import type { EventSink } from '@wawagot/integrations/bus';",
  'declare const bus: EventSink;',
  'declare const logger: Logger;',
  'declare const clock: Clock;',
].join('\n');
// The router built by the first example of the Webhooks section.
const ROUTER = [
  "import type { WebhookRouter } from '@wawagot/integrations/webhooks';",
  'declare const router: WebhookRouter;',
].join('\n');

const PRELUDES = {
  'Distributed bus (`bus/redis`, `bus/nats`) #1': 'declare function sendReceipt(orderId: string): Promise<void>;',
  // The event map of the section's first example.
  'Distributed bus (`bus/redis`, `bus/nats`) #2': "type Events = { 'order.paid': { orderId: string } };",
  '`retry(options?)` #1': SHARED,
  '`circuitBreaker(options?)` #1': [
    SHARED,
    'declare const store: { get(key: string): Promise<string>; set(key: string, value: string): Promise<void> };',
  ].join('\n'),
  '`rateLimit({ limit, intervalMs, mode?, maxQueue?, clock? })` #1': [
    'declare const to: string;',
    'declare const text: string;',
    'declare function sendSms(to: string, text: string): Promise<void>;',
  ].join('\n'),
  '`bulkhead({ concurrency, queue? })` #1': [
    'declare const documents: string[];',
    'declare function embed(doc: string): Promise<number[]>;',
  ].join('\n'),
  'Webhooks #2': ROUTER,
  'Files #1': 'declare const pngBytes: Uint8Array;',
  'Realtime #1': "declare function roleOf(authorization: string | null): Promise<'admin' | 'viewer' | null>;",
  'Realtime #2': [
    'declare const authorization: string;',
    'declare function render(topic: string, type: string, data: unknown): void;',
    'declare function reloadDashboardState(): Promise<void>;',
  ].join('\n'),
  'Node adapter #1': ROUTER,
  'Errors #1': [
    "import type { Logger } from '@wawagot/integrations';",
    "import type { RestClient } from '@wawagot/integrations/rest';",
    'declare const api: RestClient;',
    'declare const logger: Logger;',
  ].join('\n'),
};

const started = performance.now();
const root = new URL('..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// --- Extract the blocks -------------------------------------------------------------------
const EXTENSIONS = { ts: '.ts', tsx: '.tsx', js: '.js' };
const SKIP = /^<!--\s*check-readme:\s*skip\s*\((.+)\)\s*-->$/;
const lines = readme.split('\n');
const blocks = [];
const skipped = [];
let heading = '(top)';
let headingIndex = 0;
let perHeading = 0;
for (let i = 0; i < lines.length; i++) {
  const line = lines[i];
  const title = /^#{1,6}\s+(.*)$/.exec(line);
  if (title) {
    heading = title[1].trim();
    headingIndex++;
    perHeading = 0;
    continue;
  }
  const fence = /^\s*(`{3,})\s*([\w-]*)/.exec(line);
  if (!fence) continue;
  const close = lines.findIndex((l, j) => j > i && l.trim() === fence[1]);
  if (close === -1) {
    console.error(`README.md:${i + 1}: unclosed code fence`);
    process.exit(1);
  }
  const lang = fence[2];
  if (lang in EXTENSIONS) {
    perHeading++;
    const key = `${heading} #${perHeading}`;
    const previous = lines[i - 1]?.trim() ?? '';
    const skip = SKIP.exec(previous);
    if (skip) skipped.push({ key, line: i + 1, reason: skip[1] });
    else if (previous.startsWith('<!-- check-readme')) {
      console.error(`README.md:${i}: malformed marker, expected <!-- check-readme: skip (reason) -->`);
      process.exit(1);
    } else {
      const slug = heading
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      const name = `${String(headingIndex).padStart(2, '0')}-${slug}-${perHeading}${EXTENSIONS[lang]}`;
      blocks.push({ key, name, line: i + 2, code: lines.slice(i + 1, close).join('\n') });
    }
  }
  i = close;
}

const unused = Object.keys(PRELUDES).filter((key) => !blocks.some((b) => b.key === key));
if (unused.length) {
  console.error(`preludes for blocks that do not exist (or are skipped):\n  ${unused.join('\n  ')}`);
  process.exit(1);
}

// --- Write them as modules ------------------------------------------------------------------
// Inside the repository (.tmp/ is ignored) so that `zod`, `ioredis`, ... resolve from node_modules.
mkdirSync(join(root, '.tmp'), { recursive: true });
const dir = mkdtempSync(join(root, '.tmp', 'check-readme-'));
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
for (const block of blocks) {
  const prelude = PRELUDES[block.key] ?? '';
  block.preludeLines = prelude ? prelude.split('\n').length : 0;
  block.file = join(dir, block.name);
  // `export {}` keeps a block without imports a module (top-level await, no global names).
  writeFileSync(block.file, `${prelude ? `${prelude}\n` : ''}${block.code}\nexport {};\n`);
}

// --- One program for all of them -------------------------------------------------------------
const paths = {};
for (const key of Object.keys(pkg.exports)) {
  if (key === './package.json') continue;
  const specifier = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
  paths[specifier] = [join(root, 'src', key === '.' ? '' : key.slice(2), 'index.ts')];
}
const options = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  jsx: ts.JsxEmit.ReactJSX,
  strict: true,
  noUncheckedIndexedAccess: true,
  allowJs: true,
  checkJs: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  typeRoots: [join(root, 'node_modules/@types')],
  paths,
};
const failures = [];
try {
  const program = ts.createProgram({ rootNames: blocks.map((b) => b.file), options });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const d of global) failures.push(`(compiler): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  for (const block of blocks) {
    const source = program.getSourceFile(block.file);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const d of diagnostics) {
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      let where = `README.md:${block.line}`;
      if (d.start !== undefined) {
        const { line } = source.getLineAndCharacterOfPosition(d.start);
        where =
          line < block.preludeLines
            ? `README.md:${block.line} (prelude line ${line + 1})`
            : `README.md:${block.line + line - block.preludeLines}`;
      }
      failures.push(`${where} [${block.key}]: TS${d.code} ${message}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// --- Report ------------------------------------------------------------------------------------
for (const s of skipped) console.log(`skipped README.md:${s.line} [${s.key}]: ${s.reason}`);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length) {
  console.error(failures.join('\n'));
  console.error(
    `README examples: ${failures.length} error(s) in ${blocks.length} checked block(s), ${skipped.length} skipped (${seconds} s)`,
  );
  process.exit(1);
}
console.log(`README examples: ${blocks.length} block(s) type-check, ${skipped.length} skipped (${seconds} s)`);
