/**
 * One registry per plugin kind (rules, update transforms, batch policies). `register` rejects
 * duplicates; an unknown name's error lists the known ones and suggests the nearest.
 */
import { closest, distance } from 'fastest-levenshtein';
import { SnnError } from '../engine/errors.js';

export class Registry<F> {
  private readonly entries = new Map<string, F>();

  constructor(private readonly what: string) {}

  register(name: string, factory: F): void {
    if (this.entries.has(name)) throw new SnnError('internal', `${this.what} '${name}' is registered twice`, 'give the plugin a unique name');
    this.entries.set(name, factory);
  }

  get(name: string): F {
    const f = this.entries.get(name);
    if (f !== undefined) return f;
    const known = [...this.entries.keys()].sort();
    const near = known.length ? closest(name, known) : '';
    const hint = near && distance(name, near) <= 3 ? `did you mean '${near}'? known: ${known.join(', ')}` : `known ${this.what}s: ${known.join(', ')}`;
    throw new SnnError('usage', `unknown ${this.what} '${name}'`, hint);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}
