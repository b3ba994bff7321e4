#!/usr/bin/env node
// Packs the package and runs publint and @arethetypeswrong/cli on the tarball.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wawagot-pack-'));
try {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  const tarball = join(dir, JSON.parse(out)[0].filename);
  const bin = (name) => join(root, 'node_modules/.bin', name);
  execFileSync(bin('publint'), ['run', tarball, '--strict'], { cwd: root, stdio: 'inherit' });
  execFileSync(bin('attw'), [tarball, '--format', 'table-flipped', '--no-emoji'], { cwd: root, stdio: 'inherit' });
  console.log('package check: publint and attw found nothing');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
