/**
 * Spike-for-spike agreement with Brian2 (test/reference/): float64, clock-driven, exact lists.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/recorder-sink.js';
import { parseDescription } from '../models/description.js';
import { buildNetwork, resolveSettings } from '../models/build-network.js';
import { referenceCaseToDescription } from '../models/reference-case.js';

const REF = new URL('./reference/', import.meta.url);

function runCase(caseJson: unknown): Array<[number, number]> {
  const desc = parseDescription(referenceCaseToDescription(caseJson));
  const net = buildNetwork(desc, resolveSettings(desc));
  const sink = new MemorySink();
  net.recordSpikes('output', sink);
  net.run(desc.duration!);
  net.flushRecorders();
  const { times, ids } = sink.spikes(net.populationIndex('output'));
  return Array.from(times, (t, k) => [Number(t.toFixed(6)), ids[k]!] as [number, number]);
}

const cases = readdirSync(REF).filter((f) => f.endsWith('.case.json'));

describe('Brian2 reference cases', () => {
  it('finds the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(2);
  });
  for (const file of cases) {
    it(`${file} reproduces Brian2's spike list exactly`, () => {
      const c = JSON.parse(readFileSync(new URL(file, REF), 'utf8'));
      const expected = JSON.parse(readFileSync(new URL(file.replace('.case.json', '.expected.json'), REF), 'utf8'));
      const ours = runCase(c);
      const theirs = (expected.spikes as Array<[number, number]>).map(([t, i]) => [Number(t.toFixed(6)), i]);
      expect(ours.length).toBe(expected.n_spikes);
      expect(ours).toEqual(theirs);
    });
  }
});
