/**
 * CPU time of one SPECTRA clip (c = 1, automatic Newton–Schulz count) of a 784 × N update shaped
 * like a sym-STDP presentation ΔW (sparse, non-negative), for N = 100 and 400: what SPECTRA on every
 * training presentation of hao2020 costs (bench/log/transforms.md).
 *
 *   npx tsx bench/spectra-cost.ts
 */
import { RngStream } from '../engine/rng.js';
import { Spectra } from '../learning/transforms/spectra.js';
for (const N of [100, 400]) {
  const rng = RngStream.derive(1, 'spectra-cost');
  const rows = 784;
  // a sparse non-negative update of Frobenius norm 20 (its spectral norm comes out ≈ 6)
  const u = Float32Array.from({ length: rows * N }, () => (rng.uniform() < 0.1 ? rng.uniform() : 0));
  let s = 0; for (const v of u) s += v * v;
  const scale = 20 / Math.sqrt(s); for (let i = 0; i < u.length; i++) u[i] *= scale;
  const w = { name: 'input->exc', shape: [rows, N] as [number, number], values: new Float32Array(rows * N) };
  const t = new Spectra({ c: 1 });
  t.transform(0, Float32Array.from(u), w, { batchSize: 1 });
  const reps = N === 100 ? 10 : 3;
  const c0 = process.cpuUsage();
  for (let r = 0; r < reps; r++) t.transform(0, Float32Array.from(u), w, { batchSize: 1 });
  const c1 = process.cpuUsage(c0);
  console.log(`N=${N}: ${((c1.user + c1.system) / 1000 / reps).toFixed(0)} ms CPU per clip; diagnostics ${JSON.stringify(t.diagnostics?.())}`);
}
