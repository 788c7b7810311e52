/**
 * One registry per plugin kind (rules, update transforms, samplers, batch policies, trainable
 * models). A plugin registers a factory under a unique name, with a one-line summary and the schema
 * of its options (default, unit, one line of doc each), so that
 *   - recipes and the command line name plugins (`--rule 'input->exc=pair-stdp:nuPost=0.02'`),
 *   - an unknown name or option is refused with the known ones and the nearest (did you mean),
 *   - `snn plugins` lists what the registries hold and cannot drift from them.
 *
 * Lives in engine/ because every layer above (datasets, learning, training) keeps registries and
 * engine/ imports nothing of theirs.
 */
import { closest, distance } from 'fastest-levenshtein';
import { SnnError } from './errors.js';

export type OptionValue = number | string | boolean;

/** One option of a plugin: its type, default, unit and one line of documentation. */
export type OptionSpec =
  | { type: 'number'; default: number | null; unit?: string; doc: string; min?: number; max?: number; exclusiveMin?: boolean }
  | { type: 'integer'; default: number | null; unit?: string; doc: string; min?: number; max?: number }
  | { type: 'boolean'; default: boolean; doc: string }
  | { type: 'string'; default: string | null; doc: string }
  | { type: 'enum'; default: string; values: readonly string[]; doc: string };

export type OptionSchema = Readonly<Record<string, OptionSpec>>;

export interface PluginInfo {
  /** One line: what the plugin does (and the paper it comes from). */
  summary: string;
  options: OptionSchema;
}

export interface RegistryEntry<F> extends PluginInfo {
  name: string;
  factory: F;
}

export class Registry<F> {
  private readonly entries = new Map<string, RegistryEntry<F>>();

  /** `what`: the plugin kind as a user says it, e.g. 'plasticity rule'. */
  constructor(readonly what: string) {}

  register(name: string, factory: F, info: PluginInfo = { summary: '', options: {} }): void {
    if (this.entries.has(name)) throw new SnnError('internal', `${this.what} '${name}' is registered twice`, 'give the plugin a unique name');
    this.entries.set(name, { name, factory, ...info });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The factory of `name`; an unknown name is a usage error naming the known ones. */
  get(name: string): F {
    return this.entry(name).factory;
  }

  entry(name: string): RegistryEntry<F> {
    const e = this.entries.get(name);
    if (e !== undefined) return e;
    throw new SnnError('usage', `unknown ${this.what} '${name}'`, suggest(name, this.names(), `${this.what}s`));
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  list(): RegistryEntry<F>[] {
    return this.names().map((n) => this.entries.get(n)!);
  }

  /** Validates raw options against `name`'s schema and fills in defaults (see resolveOptions). */
  options(name: string, raw: Readonly<Record<string, unknown>>): Record<string, OptionValue | null> {
    const e = this.entry(name);
    return resolveOptions(`${this.what} '${name}'`, e.options, raw);
  }
}

/** "did you mean 'x'? known: a, b, c", or the plain list when nothing is close. */
export function suggest(name: string, known: readonly string[], what: string): string {
  const near = known.length ? closest(name, [...known]) : '';
  return near && distance(name, near) <= Math.max(2, Math.floor(name.length / 3))
    ? `did you mean '${near}'? known: ${known.join(', ')}`
    : known.length
      ? `known ${what}: ${known.join(', ')}`
      : `no ${what} are registered`;
}

/**
 * Checks `raw` against `schema`: unknown keys (with did-you-mean), wrong types (strings from the
 * command line are parsed), bounds, enum values. Returns every option of the schema, defaults
 * filled in. `owner` names the plugin in messages.
 */
export function resolveOptions(owner: string, schema: OptionSchema, raw: Readonly<Record<string, unknown>>): Record<string, OptionValue | null> {
  const keys = Object.keys(schema);
  for (const k of Object.keys(raw)) {
    if (!(k in schema)) throw new SnnError('usage', `${owner} has no option '${k}'`, suggest(k, keys, 'options'));
  }
  const out: Record<string, OptionValue | null> = {};
  for (const [k, spec] of Object.entries(schema)) {
    const v = raw[k];
    out[k] = v === undefined ? spec.default : coerce(owner, k, spec, v);
  }
  return out;
}

function coerce(owner: string, key: string, spec: OptionSpec, v: unknown): OptionValue {
  const bad = (expected: string): never => {
    throw new SnnError('usage', `${owner} option '${key}' must be ${expected}, got ${JSON.stringify(v)}`, spec.doc);
  };
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      const unit = 'unit' in spec && spec.unit ? ` (${spec.unit})` : '';
      if (!Number.isFinite(n)) bad(`a finite number${unit}`);
      if (spec.type === 'integer' && !Number.isInteger(n)) bad(`an integer${unit}`);
      if (spec.min !== undefined && (n < spec.min || (spec.type === 'number' && spec.exclusiveMin && n === spec.min))) {
        bad(`${spec.type === 'number' && spec.exclusiveMin ? '>' : '≥'} ${spec.min}${unit}`);
      }
      if (spec.max !== undefined && n > spec.max) bad(`≤ ${spec.max}${unit}`);
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      return bad('true or false');
    case 'string':
      if (typeof v !== 'string' || v === '') bad('a non-empty string');
      return v as string;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) {
        throw new SnnError('usage', `${owner} option '${key}' must be one of ${spec.values.join(', ')}, got ${JSON.stringify(v)}`, suggest(String(v), spec.values, 'values'));
      }
      return v as string;
  }
}

/**
 * Parses a plugin spec as written on the command line: `name` or `name:key=value,key=value`.
 * Values stay strings; `resolveOptions` types them against the plugin's schema.
 */
export function parsePluginSpec(text: string, what: string): { name: string; options: Record<string, string> } {
  const s = text.trim();
  const colon = s.indexOf(':');
  const name = (colon < 0 ? s : s.slice(0, colon)).trim();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new SnnError('usage', `bad ${what} '${text}': expected NAME or NAME:key=value,key=value`, `for example 'pair-stdp:nuPost=0.02'`);
  }
  const options: Record<string, string> = {};
  if (colon >= 0) {
    const body = s.slice(colon + 1).trim();
    if (body === '') throw new SnnError('usage', `bad ${what} '${text}': nothing after ':'`, `write NAME:key=value or just NAME`);
    for (const part of body.split(',')) {
      const eq = part.indexOf('=');
      const k = part.slice(0, eq).trim();
      const v = part.slice(eq + 1).trim();
      if (eq <= 0 || v === '') throw new SnnError('usage', `bad option '${part.trim()}' in ${what} '${text}'`, 'options are key=value, separated by commas');
      if (k in options) throw new SnnError('usage', `option '${k}' is given twice in ${what} '${text}'`, 'give each option once');
      options[k] = v;
    }
  }
  return { name, options };
}
