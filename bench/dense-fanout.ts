/**
 * Issue "Engine core" speed figure: synaptic events per second of a dense 784 → 6400 projection
 * driven by 784 Poisson inputs at 20 Hz, clock mode, float32 — through the real engine (Network,
 * PoissonSource, DenseProjection, InputRing, LIF population), not a micro-kernel.
 *
 *   npx tsx bench/dense-fanout.ts [--seconds S] [--repeats R] [--precision f32|f64]
 *
 * Prints one JSON line per repetition and a summary (min / median / max).
 */
import { describeBackend } from '../engine/backend.js';
import { parseDescription } from '../models/description.js';
import { simulate } from '../models/simulate.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const seconds = Number(arg('seconds', '2'));
const repeats = Number(arg('repeats', '5'));
const precision = arg('precision', 'f32') as 'f32' | 'f64';

const desc = parseDescription({
  dt: 0.1,
  duration: seconds * 1000,
  seed: 1,
  precision,
  populations: [
    { name: 'input', model: 'poisson', size: 784, rates: 20 },
    // Threshold out of reach: the figure is the fan-out, not the target's own spikes.
    { name: 'target', model: 'lif', size: 6400, params: { tauM: 20, vRest: -65, vReset: -65, vThresh: 1e9, synapse: 'current', tauExc: 5 } },
  ],
  projections: [{ from: 'input', to: 'target', channel: 'exc', connectivity: 'dense', weights: { uniform: [0, 0.01] } }],
});

const rates: number[] = [];
for (let r = 0; r < repeats + 1; r++) {
  const res = simulate(desc, { recordSpikes: false });
  const rate = res.synapticEvents / res.wallSeconds;
  if (r === 0) continue; // warm-up (JIT)
  rates.push(rate);
  console.log(JSON.stringify({ repetition: r, synapticEvents: res.synapticEvents, wallSeconds: res.wallSeconds, synapticEventsPerSecond: rate }));
}
rates.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    benchmark: 'dense 784→6400, 784 Poisson inputs at 20 Hz, dt 0.1 ms, clock mode',
    precision,
    simulatedSeconds: seconds,
    repeats,
    synapticEventsPerSecond: { min: rates[0], median: rates[Math.floor(rates.length / 2)], max: rates[rates.length - 1] },
    backend: describeBackend(precision),
  }),
);
