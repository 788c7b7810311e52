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

// Wall and process CPU time: on a shared machine CPU time is the comparable figure.
const rates: number[] = [];
const cpuRates: number[] = [];
for (let r = 0; r < repeats + 1; r++) {
  const cpu0 = process.cpuUsage();
  const res = simulate(desc, { recordSpikes: false });
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rate = res.synapticEvents / res.wallSeconds;
  if (r === 0) continue; // warm-up (JIT)
  rates.push(rate);
  cpuRates.push(res.synapticEvents / cpuSeconds);
  console.log(JSON.stringify({ repetition: r, synapticEvents: res.synapticEvents, wallSeconds: res.wallSeconds, cpuSeconds, synapticEventsPerSecond: rate, synapticEventsPerCpuSecond: res.synapticEvents / cpuSeconds }));
}
rates.sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    benchmark: 'dense 784→6400, 784 Poisson inputs at 20 Hz, dt 0.1 ms, clock mode',
    precision,
    simulatedSeconds: seconds,
    repeats,
    synapticEventsPerSecond: { min: rates[0], median: rates[Math.floor(rates.length / 2)], max: rates[rates.length - 1] },
    synapticEventsPerCpuSecond: { min: cpuRates[0], median: cpuRates[Math.floor(cpuRates.length / 2)], max: cpuRates[cpuRates.length - 1] },
    backend: describeBackend(precision),
  }),
);
