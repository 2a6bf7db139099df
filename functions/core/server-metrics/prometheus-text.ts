/** The family types of the Prometheus text exposition format (0.0.4). */
export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** The family's declared type (`untyped` when no `# TYPE` line names it). */
  readonly type: PromType;
}

/** A body that is not the text exposition format, with the line that gave it away. */
export class ExpositionError extends Error {}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<PromType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** Suffixes whose samples belong to a histogram or summary family of the base name. */
const FAMILY_SUFFIXES = ['_bucket', '_sum', '_count', '_created'];

/**
 * Parses a Prometheus text exposition. Strict on purpose: the planner's probe scrape uses
 * it to tell a metrics endpoint from, say, an HTML page, so a malformed line throws
 * ExpositionError naming the line; an exposition without a single sample throws too.
 */
export function parsePrometheusText(text: string): PromSample[] {
  const types = new Map<string, PromType>();
  const raw: { name: string; labels: Record<string, string>; value: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    try {
      if (line.startsWith('#')) readComment(line, types);
      else raw.push(readSample(line));
    } catch (error) {
      const snippet = line.length > 80 ? `${line.slice(0, 80)}…` : line;
      throw new ExpositionError(`line ${i + 1}: ${(error as Error).message}: ${JSON.stringify(snippet)}`);
    }
  }
  if (raw.length === 0) throw new ExpositionError('no samples in the exposition');
  return raw.map((s) => ({ ...s, type: typeOf(s.name, types) }));
}

function typeOf(name: string, types: ReadonlyMap<string, PromType>): PromType {
  const own = types.get(name);
  if (own !== undefined) return own;
  for (const suffix of FAMILY_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const family = types.get(name.slice(0, -suffix.length));
    if (family === 'histogram' || family === 'summary') return family;
  }
  return 'untyped';
}

function readComment(line: string, types: Map<string, PromType>): void {
  const parts = line.slice(1).trim().split(/\s+/);
  if (parts[0] !== 'TYPE') return; // HELP and free comments carry nothing we need
  const [, name, type] = parts;
  if (name === undefined || !NAME.test(name) || !TYPES.has(type as PromType)) {
    throw new Error('bad # TYPE line');
  }
  types.set(name, type as PromType);
}

function readSample(line: string): { name: string; labels: Record<string, string>; value: number } {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) throw new Error('expected a metric name');
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = readLabels(rest);
    labels = parsed.labels;
    rest = rest.slice(parsed.length);
  }
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new Error('expected a value');
  const value = parseValue(fields[0] as string);
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error('bad timestamp');
  return { name, labels, value };
}

/** Reads `{a="x",b="y"}` from the start of `text`; returns the labels and the characters used. */
function readLabels(text: string): { labels: Record<string, string>; length: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return { labels, length: i + 1 };
    const labelName = LABEL_NAME.exec(text.slice(i))?.[0];
    if (labelName === undefined) throw new Error('expected a label name');
    i += labelName.length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=' || text[i + 1] !== '"') throw new Error(`expected ="…" after label ${labelName}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error('unterminated label value');
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i++];
        value += e === 'n' ? '\n' : (e ?? '');
      } else value += c;
    }
    labels[labelName] = value;
  }
}

function parseValue(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value ${text}`);
  return Number(text);
}
