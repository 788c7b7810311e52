/**
 * The CUBA speed benchmark (docs/cuba.md): builds the zoo's `cuba` network, times the simulation
 * loop alone, and reports what Brian2's peer script (bench/peers/brian2_cuba.py) reports, so
 * bench/peers/cuba-driver.sh can put the two side by side.
 *
 * Timing: `buildSeconds` covers description → built network (connectivity, weights, rings);
 * `simLoopSeconds` covers `network.run()` only, with every spike recorded in memory (Brian2's
 * example keeps a SpikeMonitor on all neurons, so both loops pay for recording);
 * `totalSeconds` is the whole process from Node's start (`performance.timeOrigin`) to the report.
 * `simLoopCpuSeconds` is the CPU time of this process (all its threads: V8's compiler and GC
 * helpers included) during the loop — the measure Brian2's C++ standalone reports as its loop time
 * (`std::clock()`), and the one that stays meaningful when other processes load the machine.
 *
 * JIT warm-up: by default the timed loop starts with cold JavaScript code, so it includes V8
 * interpreting and then compiling the hot paths (≈ 30 ms CPU of a 1 s N = 4000 run). Brian2's loop
 * timer excludes its code generation and compilation; `jitWarmup: true` (CLI `--jit-warmup`) makes
 * the comparison like for like by first running a short CUBA of the same size (500 ms, seed + 1) in
 * the same process, timed separately as `jitWarmupSeconds` and included in `totalSeconds`. Same size
 * because a smaller warm-up left part of the warming (and an old-space GC of the build's garbage)
 * inside the timed loop: measured 08:30 UTC, N = 4000, first timed run after a 1000-neuron warm-up
 * 56–63 ms CPU against 39–44 ms for the following runs; after a same-size warm-up 47 ms. 500 ms
 * rather than 200 because after 200 ms V8 had not yet optimised SparseProjection.propagate and
 * compiled it inside the timed loop (`--trace-opt`; loop CPU 45.5 → 41.7 ms at N = 4000, 08:44 UTC).
 */
import { describeBackend, kernelBackend } from '../engine/backend.js';
import type { Precision } from '../engine/float-array.js';
import { MemorySink } from '../engine/recorder-sink.js';
import { buildNetwork, resolveSettings } from '../models/build-network.js';
import { parseDescription } from '../models/description.js';
import { cubaDescription } from '../models/zoo/cuba.js';

export interface CubaBenchOptions {
  neurons?: number;
  /** ms */
  duration?: number;
  seed?: number;
  precision?: Precision;
  connectionProbability?: number;
  /** Run a short CUBA of the same size first so the timed loop starts with compiled code (see above). */
  jitWarmup?: boolean;
}

export interface CubaBenchResult {
  benchmark: 'cuba';
  neurons: number;
  excitatory: number;
  inhibitory: number;
  connectionProbability: number;
  durationMs: number;
  dtMs: number;
  seed: number;
  precision: Precision;
  synapses: number;
  spikes: number;
  meanRateHz: number;
  /** Mean over neurons with ≥ 3 spikes of std/mean of their ISIs (ddof 0). */
  cvIsi: number | null;
  synapticEvents: number;
  synapticEventsPerSecond: number;
  buildSeconds: number;
  jitWarmup: boolean;
  /** Wall time of the warm-up run (0 without warm-up). */
  jitWarmupSeconds: number;
  simLoopSeconds: number;
  simLoopCpuSeconds: number;
  totalSeconds: number;
  totalCpuSeconds: number;
  /** Simulated time / loop wall time. */
  realTimeFactor: number;
  backend: string;
  backendDetail: string;
  node: string;
}

export function runCubaBench(opts: CubaBenchOptions = {}): CubaBenchResult {
  let warmup = 0;
  if (opts.jitWarmup) {
    const w0 = performance.now();
    const small = parseDescription(
      cubaDescription({ neurons: opts.neurons, duration: 500, seed: (opts.seed ?? 1) + 1, precision: opts.precision, connectionProbability: opts.connectionProbability }),
    );
    const warm = buildNetwork(small, resolveSettings(small));
    const sink = new MemorySink();
    for (const p of warm.populations) warm.recordSpikes(p.name, sink);
    // In 20 calls, so that runSteps itself is optimised as a function and not only on-stack in
    // the middle of one long call (which the timed call could not reuse: V8 compiled it again,
    // seen with --trace-opt).
    for (let k = 0; k < 20; k++) warm.run(small.duration! / 20);
    warm.flushRecorders();
    warmup = (performance.now() - w0) / 1000;
  }
  const t0 = performance.now();
  const desc = parseDescription(
    cubaDescription({ neurons: opts.neurons, duration: opts.duration, seed: opts.seed ?? 1, precision: opts.precision, connectionProbability: opts.connectionProbability }),
  );
  const settings = resolveSettings(desc);
  const net = buildNetwork(desc, settings);
  const sink = new MemorySink();
  for (const p of net.populations) net.recordSpikes(p.name, sink);
  const duration = desc.duration!;
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  net.run(duration);
  net.flushRecorders();
  const t2 = performance.now();
  const c2 = process.cpuUsage(c1);

  const sizes = net.populations.map((p) => p.size);
  const neurons = sizes.reduce((a, b) => a + b, 0);
  const spikes = net.spikeCounts.reduce((a, b) => a + b, 0);
  const synapses = net.projections.reduce((a, p) => a + p.synapseCount, 0);
  const cv = cvIsi(net.populations.map((_, k) => sink.spikes(k)), sizes);
  const loop = (t2 - t1) / 1000;
  return {
    benchmark: 'cuba',
    neurons,
    excitatory: sizes[0]!,
    inhibitory: sizes[1]!,
    connectionProbability: opts.connectionProbability ?? 0.02,
    durationMs: duration,
    dtMs: settings.dt,
    seed: settings.seed,
    precision: settings.precision,
    synapses,
    spikes,
    meanRateHz: spikes / neurons / (duration / 1000),
    cvIsi: cv,
    synapticEvents: net.synapticEvents,
    synapticEventsPerSecond: net.synapticEvents / loop,
    buildSeconds: (t1 - t0) / 1000,
    jitWarmup: opts.jitWarmup === true,
    jitWarmupSeconds: warmup,
    simLoopSeconds: loop,
    simLoopCpuSeconds: (c2.user + c2.system) / 1e6,
    totalSeconds: (performance.now() + performance.timeOrigin - processStartMs()) / 1000,
    totalCpuSeconds: (() => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1e6;
    })(),
    realTimeFactor: duration / 1000 / loop,
    backend: kernelBackend(),
    backendDetail: describeBackend(settings.precision),
    node: process.versions.node,
  };
}

/** Wall-clock ms (epoch) when this Node process started. */
function processStartMs(): number {
  // timeOrigin is when the process's performance clock started, i.e. process start.
  return performance.timeOrigin;
}

/** Mean CV of the inter-spike intervals over neurons with ≥ 3 spikes (population std, ddof 0). */
export function cvIsi(pops: { times: Float64Array; ids: Int32Array }[], sizes: number[]): number | null {
  let sum = 0;
  let count = 0;
  pops.forEach(({ times, ids }, k) => {
    const n = sizes[k]!;
    const last = new Float64Array(n).fill(NaN);
    const cnt = new Int32Array(n);
    const s1 = new Float64Array(n);
    const s2 = new Float64Array(n);
    for (let e = 0; e < times.length; e++) {
      const i = ids[e]!;
      const t = times[e]!;
      const prev = last[i]!;
      if (prev === prev) {
        const isi = t - prev;
        cnt[i] = cnt[i]! + 1;
        s1[i] = s1[i]! + isi;
        s2[i] = s2[i]! + isi * isi;
      }
      last[i] = t;
    }
    for (let i = 0; i < n; i++) {
      const c = cnt[i]!;
      if (c < 2) continue;
      const mean = s1[i]! / c;
      if (!(mean > 0)) continue;
      const variance = Math.max(0, s2[i]! / c - mean * mean);
      sum += Math.sqrt(variance) / mean;
      count++;
    }
  });
  return count > 0 ? sum / count : null;
}
