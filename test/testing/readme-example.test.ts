// Runs the complete vitest example of the README's "Testing your integration" section, as
// written there: its tests register in this file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const section = readme.slice(readme.indexOf('## Testing your integration'));
const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
if (!code) throw new Error('README: no example in "Testing your integration"');
const dir = new URL('./.tmp/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL('readme-testing.example.ts', dir);
writeFileSync(file, code);
await import(/* @vite-ignore */ fileURLToPath(file));
