/**
 * Shared by the io/formats tests: sample spike data, a canonical form for comparing spike sets, temp
 * directories. Not imported by library code; free of dev dependencies because the build compiles it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpikeData, SpikePopulation } from './spike-data.js';

/** Two populations, off-grid times, unsorted input, one silent neuron range. */
export function sampleData(): SpikeData {
  return {
    populations: [
      { name: 'exc', size: 300, times: Float64Array.from([3.0, 1.5, 7.123456, 5.25]), ids: Int32Array.from([5, 130, 130, 299]) },
      { name: 'inh', size: 10, times: Float64Array.from([2.5, 0.1]), ids: Int32Array.from([0, 9]) },
    ],
    dt: 0.1,
    durationMs: 10,
  };
}

export interface CanonicalPopulation {
  name: string;
  size: number;
  spikes: Array<[number, number]>;
}

/** Populations with (t, id) pairs sorted; `mapTime` applies the format's resolution to the input side. */
export function canonical(data: SpikeData, mapTime: (t: number) => number = (t) => t): CanonicalPopulation[] {
  return data.populations.map((p: SpikePopulation) => {
    const spikes: Array<[number, number]> = [];
    for (let i = 0; i < p.times.length; i++) spikes.push([mapTime(p.times[i]!), p.ids[i]!]);
    spikes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return { name: p.name, size: p.size, spikes };
  });
}

/** The flat address space the single-stream formats (npy, Lava) use: one population 'events'. */
export function flatCanonical(data: SpikeData, mapTime: (t: number) => number = (t) => t): CanonicalPopulation[] {
  let offset = 0;
  const spikes: Array<[number, number]> = [];
  for (const p of data.populations) {
    for (let i = 0; i < p.times.length; i++) spikes.push([mapTime(p.times[i]!), p.ids[i]! + offset]);
    offset += p.size;
  }
  spikes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return [{ name: 'events', size: offset, spikes }];
}

export const toMicroseconds = (t: number): number => Math.round(t * 1000) / 1000;

export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'snn-formats-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
