/**
 * The model zoo's registry: named network builders (`cuba`, later `hao2020`, `diehl-cook-2015`).
 *
 * A factory turns generic build options (size, duration, seed, precision) into an ordinary
 * `NetworkDescription`, so a zoo model runs through the same builder, CLI and tests as a JSON file.
 * One registry, `registerModel(name, factory)`; a duplicate name or an unknown one is an SnnError
 * that names the known models. Built-in models are registered in `index.ts`.
 */
import { createHash } from 'node:crypto';
import { SnnError } from '../../engine/errors.js';
import type { Precision } from '../../engine/float-array.js';
import { parseDescription, type NetworkDescription } from '../description.js';

/** Options every zoo model understands; a model documents its defaults and may ignore some. */
export interface ZooBuildOptions {
  /** Total number of neurons of the model's main population(s). */
  neurons?: number;
  /** Simulated time written into the description, ms. */
  duration?: number;
  seed?: number;
  precision?: Precision;
  dt?: number;
}

export type ModelFactory = (opts: ZooBuildOptions) => NetworkDescription;

export interface ZooEntry {
  readonly name: string;
  readonly summary: string;
  readonly build: ModelFactory;
}

const models = new Map<string, ZooEntry>();

export function registerModel(name: string, factory: ModelFactory, summary = ''): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new SnnError('internal', `zoo model name '${name}' must be lower-case letters, digits and -`, 'rename the model');
  }
  if (models.has(name)) throw new SnnError('internal', `zoo model '${name}' is registered twice`, 'register each model once (models/zoo/index.ts)');
  models.set(name, { name, summary, build: factory });
}

export function modelNames(): string[] {
  return [...models.keys()].sort();
}

export function getModel(name: string): ZooEntry {
  const m = models.get(name);
  if (!m) {
    throw new SnnError('config.invalid', `unknown zoo model '${name}'`, `known models: ${modelNames().join(', ') || '(none)'}`);
  }
  return m;
}

/** The description of zoo model `name` built with `opts`. */
export function buildZooModel(name: string, opts: ZooBuildOptions = {}): NetworkDescription {
  return getModel(name).build(opts);
}

/** `zoo:NAME` on the command line names a zoo model instead of a file. */
export function isZooReference(arg: string): boolean {
  return arg.startsWith('zoo:');
}

/**
 * The validated description of `zoo:NAME` built with `opts`, with a content hash (sha256 of its
 * JSON) that identifies it in traces the way a file's hash does.
 */
export function loadZooModel(ref: string, opts: ZooBuildOptions = {}): { description: NetworkDescription; hash: string; isReferenceCase: false } {
  const name = ref.slice('zoo:'.length);
  const description = parseDescription(buildZooModel(name, opts), ref);
  return { description, hash: createHash('sha256').update(JSON.stringify(description)).digest('hex'), isReferenceCase: false };
}
