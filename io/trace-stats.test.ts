import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import type { TraceHeaderInput } from './trace-format.js';
import { SpikeStatsAccumulator, summarizeTrace } from './trace-stats.js';
import { TraceWriter } from './trace-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snn-trace-stats-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const header = (pops: { name: string; size: number }[]): TraceHeaderInput => ({
  dt: 0.1,
  mode: 'clock',
  populations: pops,
  seed: 9,
  descriptionHash: 'c'.repeat(64),
  snnVersion: '0.1.0',
});

describe('trace statistics', () => {
  const file = path.join(dir, 'stats.snntrace');
  const N = 100;
  const rateHz = 20;
  const tStop = 100_000; // ms: ~2000 spikes per Poisson neuron, CV known to ±0.01

  // Population "regular": neuron k fires every 10 ms, phase k·0.05 ms. "poisson": superposition of
  // N independent Poisson trains (rate N·r, each spike to a uniform neuron). "silent": nothing.
  const w = TraceWriter.open(file, header([{ name: 'regular', size: N }, { name: 'poisson', size: N }, { name: 'silent', size: 7 }]), { chunkSpikes: 4096 });
  const times = new Float64Array(N);
  const ids = new Int32Array(N);
  for (let step = 0; step * 10 < tStop; step++) {
    for (let k = 0; k < N; k++) {
      times[k] = step * 10 + k * 0.05;
      ids[k] = k;
    }
    w.writeSpikes(0, times, ids);
  }
  const rng = RngStream.derive(11, 'test/stats/poisson');
  const one = new Float64Array(1);
  const oneId = new Int32Array(1);
  let nPoisson = 0;
  for (let t = rng.exponential((N * rateHz) / 1000); t < tStop; t += rng.exponential((N * rateHz) / 1000)) {
    one[0] = t;
    oneId[0] = rng.int(N);
    w.writeSpikes(1, one, oneId);
    nPoisson += 1;
  }
  w.close({ tStop });
  const s = summarizeTrace(file);
  const [regular, poisson, silent] = s.populations;

  it('reports header, completeness and the duration source', () => {
    expect(s.complete).toBe(true);
    expect(s.header.populations.map((p) => p.name)).toEqual(['regular', 'poisson', 'silent']);
    expect(s.durationMs).toBe(tStop);
    expect(s.durationSource).toBe('tStop');
  });

  it('CV of ISI is 0 for a perfectly regular train', () => {
    expect(regular!.cvIsi).toBeCloseTo(0, 10);
    expect(regular!.cvNeurons).toBe(N);
    expect(regular!.meanRateHz).toBeCloseTo(100, 10);
    expect(regular!.firstSpike).toBe(0);
    expect(regular!.lastSpike).toBeCloseTo(99_990 + 99 * 0.05, 9);
  });

  it('CV of ISI is ≈ 1 for a long Poisson train', () => {
    expect(Math.abs(poisson!.cvIsi! - 1)).toBeLessThan(0.03);
    expect(poisson!.spikes).toBe(nPoisson);
    expect(Math.abs(poisson!.meanRateHz! - rateHz)).toBeLessThan(0.5);
    expect(poisson!.activeNeurons).toBe(N);
  });

  it('gives nulls, not NaN, for a silent population', () => {
    expect(silent).toMatchObject({ spikes: 0, activeNeurons: 0, cvIsi: null, cvNeurons: 0, firstSpike: null, lastSpike: null, meanRateHz: 0 });
  });

  it('ignores neurons with fewer than 3 spikes', () => {
    const acc = new SpikeStatsAccumulator(3);
    acc.add([1, 2, 3, 4, 5], [0, 0, 1, 1, 2]); // two spikes each for 0 and 1, one for 2
    expect(acc.result('x', 10).cvIsi).toBeNull();
    acc.add([6, 9], [0, 1]);
    const r = acc.result('x', 10);
    expect(r.cvNeurons).toBe(2);
    // neuron 0: ISIs 1, 4 → std 1.5, mean 2.5 → 0.6; neuron 1: ISIs 1, 5 → 2/3 = 0.666…
    expect(r.cvIsi).toBeCloseTo((0.6 + 2 / 3) / 2, 12);
  });

  it('falls back to the last spike for the duration of an incomplete trace', () => {
    const f = path.join(dir, 'partial.snntrace');
    const pw = TraceWriter.open(f, header([{ name: 'a', size: 2 }]), { chunkSpikes: 2 });
    pw.writeSpikes(0, [100, 200, 300], [0, 1, 0]);
    pw.abort();
    const p = summarizeTrace(`${f}.partial`);
    expect(p).toMatchObject({ complete: false, chunks: 1, durationMs: 200, durationSource: 'last-spike' });
    expect(p.populations[0]!.meanRateHz).toBeCloseTo(5, 12); // 2 spikes / 2 neurons / 0.2 s
  });
});
