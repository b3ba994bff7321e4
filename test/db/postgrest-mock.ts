// An in-memory PostgREST served through msw, following PostgREST's documented protocol
// (https://docs.postgrest.org/en/stable/references/api/tables_views.html): horizontal
// filters `col=op.value` (eq, neq, gt, gte, lt, lte, like with `*` as `%`, is, in with
// double-quoted, backslash-escaped values), `select`, `order`, `limit`/`offset`,
// `columns`, `on_conflict`, the `Prefer` header (return=representation|minimal,
// count=exact, resolution=merge-duplicates|ignore-duplicates, missing=default),
// `Accept-Profile`/`Content-Profile` for schemas, single-object responses, and error
// bodies `{ code, details, hint, message }` with PostgREST's HTTP statuses.
import { HttpResponse, http } from 'msw';

type ColumnType = 'int' | 'text';
export interface MockTable {
  columns: Record<string, ColumnType>;
  notNull?: string[];
  /** Unique constraints; the first one is the primary key. */
  unique: string[][];
  defaults?: Record<string, () => unknown>;
  rows: Record<string, unknown>[];
}
type Row = Record<string, unknown>;

class PgError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: string; details: string | null; hint: string | null; message: string },
  ) {
    super(body.message);
  }
}
const pgError = (status: number, code: string, message: string, details: string | null = null) =>
  new PgError(status, { code, details, hint: null, message });

function coerce(table: MockTable, column: string, value: unknown): unknown {
  const type = table.columns[column];
  if (type === undefined) throw pgError(400, '42703', `column "${column}" does not exist`);
  if (value === null || value === undefined) return null;
  if (type === 'int') {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
    throw pgError(400, '22P02', `invalid input syntax for type integer: "${String(value)}"`);
  }
  return typeof value === 'string' ? value : String(value);
}

/** Splits `(a,"b,c","d\"e")` into values, honouring quotes and backslash escapes. */
export function parseList(text: string): string[] {
  if (!text.startsWith('(') || !text.endsWith(')'))
    throw pgError(400, 'PGRST100', `"failed to parse filter (in.${text})"`);
  const body = text.slice(1, -1);
  const out: string[] = [];
  let i = 0;
  if (body === '') return out;
  while (i <= body.length) {
    let value = '';
    if (body[i] === '"') {
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') i++;
        value += body[i] ?? '';
        i++;
      }
      i++; // closing quote
    } else {
      while (i < body.length && body[i] !== ',') value += body[i++];
    }
    out.push(value);
    if (body[i] === ',') i++;
    else break;
  }
  return out;
}

function likeRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length)
      source += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%' || ch === '*') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

type Filter = (row: Row) => boolean;
function parseFilter(table: MockTable, column: string, expr: string): Filter {
  const dot = expr.indexOf('.');
  const op = expr.slice(0, dot);
  const raw = expr.slice(dot + 1);
  if (dot < 0) throw pgError(400, 'PGRST100', `"failed to parse filter (${expr})"`);
  if (table.columns[column] === undefined) throw pgError(400, '42703', `column "${column}" does not exist`);
  const cmp = (a: unknown, b: unknown) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
  switch (op) {
    case 'is':
      if (raw !== 'null') throw pgError(400, 'PGRST100', 'only is.null is supported here');
      return (row) => row[column] === null;
    case 'in': {
      const values = parseList(raw).map((v) => coerce(table, column, v));
      return (row) => row[column] !== null && values.includes(row[column]);
    }
    case 'like': {
      const re = likeRegExp(raw);
      return (row) => typeof row[column] === 'string' && re.test(row[column] as string);
    }
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const value = coerce(table, column, raw);
      const test = {
        eq: (c: number) => c === 0,
        neq: (c: number) => c !== 0,
        gt: (c: number) => c > 0,
        gte: (c: number) => c >= 0,
        lt: (c: number) => c < 0,
        lte: (c: number) => c <= 0,
      }[op];
      return (row) => row[column] !== null && test(cmp(row[column], value));
    }
    default:
      throw pgError(400, 'PGRST100', `"failed to parse filter (${op})"`);
  }
}

function checkConstraints(name: string, table: MockTable, rows: Row[]): void {
  for (const row of rows) {
    for (const column of table.notNull ?? []) {
      if (row[column] === null || row[column] === undefined) {
        throw pgError(
          400,
          '23502',
          `null value in column "${column}" of relation "${name}" violates not-null constraint`,
          `Failing row contains (${Object.values(row).join(', ')}).`,
        );
      }
    }
  }
  for (const key of table.unique) {
    const seen = new Set<string>();
    for (const row of rows) {
      if (key.some((c) => row[c] === null)) continue;
      const id = JSON.stringify(key.map((c) => row[c]));
      if (seen.has(id)) {
        throw pgError(
          409,
          '23505',
          `duplicate key value violates unique constraint "${name}_${key.join('_')}_key"`,
          `Key (${key.join(', ')})=(${key.map((c) => row[c]).join(', ')}) already exists.`,
        );
      }
      seen.add(id);
    }
  }
}

function projectRows(table: MockTable, rows: Row[], select: string | null): Row[] {
  if (!select || select === '*') return rows.map((r) => ({ ...r }));
  const columns = select.split(',').map((c) => c.replace(/"/g, ''));
  for (const c of columns)
    if (table.columns[c] === undefined) throw pgError(400, '42703', `column ${c} does not exist`);
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
}

function sortRows(rows: Row[], order: string | null): Row[] {
  if (!order) return rows;
  const keys = order.split(',').map((part) => {
    const [column, dir = 'asc', nulls] = part.split('.');
    return {
      column: column as string,
      desc: dir === 'desc',
      nullsFirst: nulls ? nulls === 'nullsfirst' : dir === 'desc',
    };
  });
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const x = a[k.column] ?? null;
      const y = b[k.column] ?? null;
      if (x === y) continue;
      if (x === null) return k.nullsFirst ? -1 : 1;
      if (y === null) return k.nullsFirst ? 1 : -1;
      const c = (x as number) < (y as number) ? -1 : 1;
      return k.desc ? -c : c;
    }
    return 0;
  });
}

/** msw handlers serving `tables` (keyed `schema.table`) at `${baseUrl}/rest/v1/:table`. */
export function postgrestHandlers(baseUrl: string, tables: Map<string, MockTable>) {
  return [
    http.all(`${baseUrl}/rest/v1/:table`, async ({ request, params }) => {
      try {
        return await handle(request, String(params.table), tables);
      } catch (error) {
        if (error instanceof PgError) return HttpResponse.json(error.body, { status: error.status });
        throw error;
      }
    }),
  ];
}

async function handle(request: Request, tableName: string, tables: Map<string, MockTable>): Promise<Response> {
  const url = new URL(request.url);
  const method = request.method;
  const read = method === 'GET' || method === 'HEAD';
  const schema = request.headers.get(read ? 'Accept-Profile' : 'Content-Profile') ?? 'public';
  const table = tables.get(`${schema}.${tableName}`);
  if (!table) throw pgError(404, 'PGRST205', `Could not find the table '${schema}.${tableName}' in the schema cache`);
  const prefer = (request.headers.get('Prefer') ?? '').split(',').map((s) => s.trim());
  const has = (p: string) => prefer.includes(p);
  const filters: Filter[] = [];
  for (const [key, value] of url.searchParams) {
    if (['select', 'order', 'limit', 'offset', 'columns', 'on_conflict'].includes(key)) continue;
    filters.push(parseFilter(table, key, value));
  }
  const matches = (row: Row) => filters.every((f) => f(row));
  const representation = read || has('return=representation');
  const headers = new Headers({ 'Content-Type': 'application/json' });
  let result: Row[] = [];
  let status = 200;

  if (read) {
    result = sortRows(table.rows.filter(matches), url.searchParams.get('order'));
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = url.searchParams.get('limit');
    result = result.slice(offset, limit === null ? undefined : offset + Number(limit));
  } else if (method === 'POST') {
    const body = (await request.json()) as Row | Row[];
    const input = Array.isArray(body) ? body : [body];
    const listed = url.searchParams
      .get('columns')
      ?.split(',')
      .map((c) => c.replace(/"/g, ''));
    const next = table.rows.map((r) => ({ ...r }));
    const conflict = url.searchParams.get('on_conflict')?.split(',') ?? table.unique[0] ?? [];
    const upsert = has('resolution=merge-duplicates') || has('resolution=ignore-duplicates');
    for (const raw of input) {
      for (const k of Object.keys(raw))
        if (table.columns[k] === undefined)
          throw pgError(400, 'PGRST204', `Could not find the '${k}' column of '${tableName}' in the schema cache`);
      const row: Row = {};
      for (const column of Object.keys(table.columns)) {
        const given = listed ? listed.includes(column) && column in raw : column in raw;
        if (given) row[column] = coerce(table, column, raw[column]);
        else if (has('missing=default') || !listed?.includes(column))
          row[column] = table.defaults?.[column]?.() ?? null;
        else row[column] = null;
      }
      const existing = upsert ? next.find((r) => conflict.every((c) => r[c] !== null && r[c] === row[c])) : undefined;
      if (existing) {
        if (has('resolution=ignore-duplicates')) continue;
        for (const k of Object.keys(raw)) existing[k] = row[k];
        result.push(existing);
      } else {
        next.push(row);
        result.push(row);
      }
    }
    checkConstraints(tableName, table, next);
    table.rows = next;
    status = 201;
  } else if (method === 'PATCH') {
    const patch = (await request.json()) as Row;
    const next = table.rows.map((r) => ({ ...r }));
    for (const row of next) {
      if (!matches(row)) continue;
      for (const [k, v] of Object.entries(patch)) {
        if (table.columns[k] === undefined)
          throw pgError(400, 'PGRST204', `Could not find the '${k}' column of '${tableName}' in the schema cache`);
        row[k] = coerce(table, k, v);
      }
      result.push(row);
    }
    checkConstraints(tableName, table, next);
    table.rows = next;
  } else if (method === 'DELETE') {
    result = table.rows.filter(matches);
    table.rows = table.rows.filter((r) => !matches(r));
  } else {
    throw pgError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
  }

  if (prefer.some((p) => p.startsWith('count=exact')))
    headers.set('Content-Range', `${result.length ? `0-${result.length - 1}` : '*'}/${result.length}`);
  if ((request.headers.get('Accept') ?? '').includes('application/vnd.pgrst.object+json')) {
    if (result.length !== 1) {
      throw new PgError(406, {
        code: 'PGRST116',
        details: `The result contains ${result.length} rows`,
        hint: null,
        message: 'JSON object requested, multiple (or no) rows returned',
      });
    }
    return HttpResponse.json(projectRows(table, result, url.searchParams.get('select'))[0], { status, headers });
  }
  if (!representation) return new HttpResponse(null, { status: method === 'POST' ? 201 : 204, headers });
  return HttpResponse.json(projectRows(table, result, url.searchParams.get('select')), { status, headers });
}
