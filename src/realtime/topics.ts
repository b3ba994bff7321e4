import { configError } from '../internal/config.js';

/** Topic names are plain tokens: they appear in SSE `event:` lines and URLs. */
const TOPIC_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
/** Names of the control events; a topic may not shadow them. */
const RESERVED = new Set(['reset', 'overflow']);
const CACHE_LIMIT = 1024;

/** Compiled topic patterns: names by index, and which topics an event type belongs to. */
export interface TopicTable {
  readonly names: readonly string[];
  /** Index of a topic name, or -1. */
  indexOf(name: string): number;
  /** Indices (in declaration order) of the topics whose patterns match `type`. */
  match(type: string): readonly number[];
}

interface Pattern {
  topic: number;
  exact?: string;
  prefix?: string;
}

function compilePattern(topic: string, index: number, pattern: unknown): Pattern {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    configError(`topics.${topic} must list non-empty event patterns`);
  }
  if (pattern === '*') return { topic: index, prefix: '' };
  const star = pattern.indexOf('*');
  if (star === -1) return { topic: index, exact: pattern };
  if (star !== pattern.length - 1 || !pattern.endsWith('.*')) {
    configError(`topics.${topic}: "${pattern}" must be an exact type, "prefix.*" or "*"`);
  }
  return { topic: index, prefix: pattern.slice(0, -1) };
}

/** Validates the `topics` option (throws CONFIG) and compiles its patterns. */
export function compileTopics(topics: Record<string, readonly string[]>): TopicTable {
  if (topics === null || typeof topics !== 'object' || Array.isArray(topics)) {
    configError('topics must be an object mapping topic names to event patterns');
  }
  const names = Object.keys(topics);
  if (names.length === 0) configError('topics must name at least one topic');
  const patterns: Pattern[] = [];
  names.forEach((name, index) => {
    if (!TOPIC_NAME.test(name) || RESERVED.has(name)) {
      configError(`topic name "${name.slice(0, 100)}" must match ${TOPIC_NAME} and not be "reset" or "overflow"`);
    }
    const list = topics[name];
    if (!Array.isArray(list) || list.length === 0) configError(`topics.${name} must be a non-empty array`);
    for (const pattern of list) patterns.push(compilePattern(name, index, pattern));
  });
  const positions = new Map(names.map((name, index) => [name, index]));
  const cache = new Map<string, readonly number[]>();

  function compute(type: string): readonly number[] {
    const hits = new Set<number>();
    for (const p of patterns) {
      if (p.exact !== undefined ? p.exact === type : type.startsWith(p.prefix as string)) hits.add(p.topic);
    }
    return [...hits].sort((a, b) => a - b);
  }

  return {
    names,
    indexOf: (name) => positions.get(name) ?? -1,
    match(type) {
      let hit = cache.get(type);
      if (hit === undefined) {
        hit = compute(type);
        // Event types are usually a small fixed set; the bound protects against unbounded ones.
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(type, hit);
      }
      return hit;
    },
  };
}

/** Checks topic names given by code (`CONFIG`): an array of configured topics. */
export function assertTopics(table: TopicTable, topics: unknown, what: string): asserts topics is readonly string[] {
  if (!Array.isArray(topics)) configError(`${what}: topics must be an array`);
  for (const name of topics) {
    if (table.indexOf(name) < 0) configError(`${what}: unknown topic "${String(name).slice(0, 100)}"`);
  }
}
