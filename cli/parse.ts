/**
 * Typed parsers for command-line values. Each returns a value or throws commander's
 * InvalidArgumentError, which commander reports as one line naming the option.
 */
import { InvalidArgumentError } from 'commander';

export function positiveNumber(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x <= 0) throw new InvalidArgumentError(`expected a number > 0, got '${value}'.`);
  return x;
}

export function nonNegativeInt(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 0) throw new InvalidArgumentError(`expected a whole number ≥ 0, got '${value}'.`);
  return x;
}

export function positiveInt(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'.`);
  return x;
}

export function seed(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new InvalidArgumentError(`expected a whole number in [0, 4294967295], got '${value}'.`);
  return x;
}

/** `--record spikes` (all populations), `spikes:exc,inh`, or `none`. */
export function recordSpec(value: string): string[] | boolean {
  if (value === 'none') return false;
  if (value === 'spikes') return true;
  const m = /^spikes:([^:]+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected 'spikes', 'spikes:POP[,POP...]' or 'none', got '${value}'.`);
  return m[1]!.split(',').filter(Boolean);
}

export interface StateSpec {
  population: string;
  variables: string[];
  neurons?: number[];
  interval?: number;
}

/** `--record-state v,theta:exc@1` or `v:exc[0-9,12]@0.5` (interval in ms; default dt). */
export function stateSpec(value: string, previous: StateSpec[] = []): StateSpec[] {
  const m = /^([A-Za-z_][\w,]*):([^@[\]]+)(?:\[([\d,\s-]+)\])?(?:@([\d.eE+-]+))?$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected VARS:POP[@INTERVAL_MS] such as 'v,theta:exc@1' or 'v:exc[0-9]@0.5', got '${value}'.`);
  const spec: StateSpec = { population: m[2]!, variables: m[1]!.split(',').filter(Boolean) };
  if (m[3]) spec.neurons = parseRanges(m[3]);
  if (m[4]) spec.interval = positiveNumber(m[4]);
  return [...previous, spec];
}

/** `--neurons 0,1,2` or `0-9,12`: neuron ids. */
export function neuronList(value: string): number[] {
  if (!/^[\d,\s-]+$/.test(value)) throw new InvalidArgumentError(`expected neuron ids such as '0,1,2' or '0-9', got '${value}'.`);
  return parseRanges(value);
}

/** `--from 0`: a time in ms ≥ 0. */
export function nonNegativeNumber(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'.`);
  return x;
}

function parseRanges(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const r = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!r) throw new InvalidArgumentError(`bad neuron range '${part}'.`);
    const a = Number(r[1]);
    const b = r[2] === undefined ? a : Number(r[2]);
    if (b < a) throw new InvalidArgumentError(`bad neuron range '${part}' (end before start).`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}
