/**
 * Structural check of decoded data (checkpoints, model files) against a template of what the
 * reader expects — typically the value the current code would write itself. A checksum proves a
 * file is intact, not that it fits: a checkpoint of another version or configuration decodes fine
 * and then fails deep inside a restore with a TypeError, or worse, loads half. Checking the whole
 * shape first makes loading transactional: nothing is applied unless everything fits.
 *
 * Rules, recursively: a typed array must be a typed array of the same kind and length; a number a
 * finite number (when the template's is finite); a string or boolean the same type; `null` in the
 * template accepts null or any primitive (optional settings); an object must have every key of
 * the template (extra keys are ignored); an array must be an array of the template's length,
 * checked element by element — except when the template's is empty (a list the reader fills, such
 * as the metrics of a run not yet started): then any array.
 */
import { SnnError } from '../engine/errors.js';

export function checkShape(value: unknown, template: unknown, file: string, what: string, hint: string): void {
  const problem = shapeProblem(value, template, '');
  if (problem !== null) throw new SnnError('io.corrupt', `${file}: the ${what} does not fit this version or configuration (${problem})`, hint);
}

const kind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : ArrayBuffer.isView(v) ? `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})` : typeof v;

/** First mismatch as "at PATH: expected X, found Y", or null. */
export function shapeProblem(value: unknown, template: unknown, path: string): string | null {
  const at = path === '' ? 'top level' : path;
  const mismatch = () => `at ${at}: expected ${kind(template)}, found ${kind(value)}`;
  if (template === null || template === undefined) return value !== null && typeof value === 'object' ? mismatch() : null;
  if (ArrayBuffer.isView(template)) {
    if (!ArrayBuffer.isView(value) || value.constructor !== template.constructor) return mismatch();
    return (value as unknown as ArrayLike<number>).length === (template as unknown as ArrayLike<number>).length ? null : mismatch();
  }
  switch (typeof template) {
    case 'number':
      if (typeof value !== 'number') return mismatch();
      return Number.isFinite(template) && !Number.isFinite(value) ? `at ${at}: expected a finite number, found ${value}` : null;
    case 'string':
    case 'boolean':
      return typeof value === typeof template ? null : mismatch();
    case 'object':
      break;
    default:
      return null;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(value)) return mismatch();
    if (template.length === 0) return null;
    if (value.length !== template.length) return `at ${at}: expected ${template.length} elements, found ${value.length}`;
    for (let i = 0; i < value.length; i++) {
      const p = shapeProblem(value[i], template[i], `${path}[${i}]`);
      if (p !== null) return p;
    }
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return mismatch();
  for (const [k, t] of Object.entries(template as Record<string, unknown>)) {
    if (!(k in (value as object)) && t !== null && t !== undefined) return `at ${path === '' ? k : `${path}.${k}`}: missing`;
    const p = shapeProblem((value as Record<string, unknown>)[k], t, path === '' ? k : `${path}.${k}`);
    if (p !== null) return p;
  }
  return null;
}
