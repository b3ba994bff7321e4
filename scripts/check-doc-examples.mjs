#!/usr/bin/env node
// After `typedoc --json docs/api/api.json`: every exported function has an `@example`
// (typedoc's own validation already requires a summary on every export).
import { readFileSync } from 'node:fs';

const project = JSON.parse(readFileSync(new URL('../docs/api/api.json', import.meta.url), 'utf8'));
const FUNCTION = 64;
const MODULE = 2;
const hasExample = (comment) => (comment?.blockTags ?? []).some((tag) => tag.tag === '@example');
const missing = [];
(function walk(reflection, module) {
  const name = reflection.kind === MODULE ? reflection.name : module;
  if (reflection.kind === FUNCTION) {
    const documented =
      hasExample(reflection.comment) || (reflection.signatures ?? []).some((s) => hasExample(s.comment));
    if (!documented) missing.push(`${name}: ${reflection.name}`);
  }
  for (const child of reflection.children ?? []) walk(child, name);
})(project, '');
if (missing.length) {
  console.error(`exported functions without an @example:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log('every exported function has an @example');
