import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

const FILE = new URL('./RESULTS.md', import.meta.url);

/** Date, Node version and machine, printed above every benchmark table. */
function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version}, ${cpu} × ${cpus().length}, ${process.platform}-${process.arch}.`;
}

/** Renders a Markdown table. */
export function markdownTable(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Replaces (never appends) the section `id` of bench/RESULTS.md with `body`, stamped with the
 * date, Node version and machine.
 */
export function recordResults(id: string, title: string, body: string): void {
  let text: string;
  try {
    text = readFileSync(FILE, 'utf8');
  } catch {
    text = '# Benchmark results\n\nEach section is replaced when its benchmark is re-run (`npm run bench`).\n';
  }
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const section = `${start}\n## ${title}\n\n${machineLine()}\n\n${body.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, text);
}

/** Formats ops/s with thousands separators. */
export function ops(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
