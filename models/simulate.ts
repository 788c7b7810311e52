/**
 * Runs a network description in either mode and streams what it records to a sink. The CLI's
 * `snn simulate` is a thin wrapper over this; tests call it directly.
 */
import { SnnError } from '../engine/errors.js';
import { FiniteGuard } from '../engine/finite-guard.js';
import type { Precision } from '../engine/float-array.js';
import type { RecorderSink } from '../engine/recorder-sink.js';
import { buildNetwork, resolveSettings } from './build-network.js';
import type { NetworkDescription } from './description.js';
import { guardedState } from './guarded-state.js';
import { ExactNetwork } from './exact/exact-network.js';
import type { Network, RunProgress } from './network.js';

export type SimulationMode = 'clock' | 'exact';

export interface StateRequest {
  population: string;
  variables: string[];
  neurons?: number[];
  /** ms; defaults to dt */
  interval?: number;
}

export interface SimulateOptions {
  mode?: SimulationMode;
  dt?: number;
  precision?: Precision;
  seed?: number;
  duration?: number;
  sink?: RecorderSink;
  /** Populations whose spikes are recorded: names, or true for all. Defaults to the description's. */
  recordSpikes?: string[] | boolean;
  recordState?: StateRequest[];
  onProgress?: (p: RunProgress) => void;
  /** Called in either mode once the network is built, just before the run starts. */
  onStart?: () => void;
  /** Called with the built clock network before the run (to add hooks, rules, ...). */
  prepare?: (net: Network) => void;
  /**
   * Clock mode: scan every state variable for NaN/±Infinity every this many steps and stop with
   * SnnError('numeric.nonfinite') (engine/finite-guard.ts). 1 = every step (slow); 0 = never.
   * Default FINITE_CHECK_STEPS.
   */
  checkFiniteEverySteps?: number;
}

/** Default interval of the numerical guard in clock mode: cheap (one scan per 1000 steps). */
export const FINITE_CHECK_STEPS = 1000;

/** Longest clock-driven run accepted (steps): beyond it a tiny dt is a mistake, not a plan. */
export const MAX_STEPS = 1e12;

export interface PopulationSummary {
  name: string;
  size: number;
  spikes: number;
  meanRateHz: number;
}

export interface SimulationResult {
  mode: SimulationMode;
  dt: number | null;
  precision: Precision;
  seed: number;
  durationMs: number;
  wallSeconds: number;
  synapticEvents: number;
  populations: PopulationSummary[];
}

export function simulate(desc: NetworkDescription, opts: SimulateOptions = {}): SimulationResult {
  const mode = opts.mode ?? desc.mode ?? 'clock';
  const settings = resolveSettings(desc, { dt: opts.dt, precision: opts.precision, seed: opts.seed });
  const duration = opts.duration ?? desc.duration;
  if (duration === undefined || !(duration > 0) || !Number.isFinite(duration)) {
    throw new SnnError('config.invalid', `the simulation duration must be a finite number > 0 ms, got ${duration}`, 'pass --duration MS or set "duration" in the description');
  }
  if (mode === 'clock' && !(duration / settings.dt <= MAX_STEPS)) {
    throw new SnnError('config.invalid', `${duration} ms at dt = ${settings.dt} ms is ${(duration / settings.dt).toExponential(2)} steps, more than ${MAX_STEPS.toExponential(0)}`, 'use a larger dt or a shorter duration');
  }
  const record = opts.recordSpikes ?? desc.record?.spikes ?? true;
  const names = desc.populations.map((p) => p.name);
  const recorded = record === true ? names : record === false ? [] : record;
  for (const n of recorded) {
    if (!names.includes(n)) throw new SnnError('config.invalid', `cannot record spikes of '${n}': no such population`, `known populations: ${names.join(', ')}`);
  }
  const started = performance.now();
  if (mode === 'exact') {
    if (opts.recordState?.length || desc.record?.state?.length) {
      throw new SnnError('config.invalid', 'state recording is not available in exact mode', 'use --mode clock to record state variables');
    }
    const net = new ExactNetwork(desc, settings.seed);
    if (opts.sink) for (const n of recorded) net.recordSpikes(n, opts.sink);
    opts.onStart?.();
    net.run(duration);
    net.flushRecorders();
    return summary(mode, null, settings.precision, settings.seed, duration, started, net.synapticEvents, desc, net.spikeCounts);
  }
  const net = buildNetwork(desc, settings);
  if (opts.sink) {
    for (const n of recorded) net.recordSpikes(n, opts.sink);
    const state = [...(desc.record?.state ?? []), ...(opts.recordState ?? [])];
    for (const r of state) {
      for (const v of r.variables) net.recordState(r.population, v, opts.sink, r.neurons ?? null, r.interval ?? settings.dt);
    }
  }
  opts.prepare?.(net);
  opts.onStart?.();
  const every = opts.checkFiniteEverySteps ?? FINITE_CHECK_STEPS;
  const guard = every > 0 ? new FiniteGuard(() => guardedState(net.populations), every) : null;
  if (guard) net.addHooks({ onStep: (_s, t) => guard.afterStep(t + settings.dt) });
  net.run(duration, opts.onProgress);
  guard?.check(net.time);
  net.flushRecorders();
  return summary(mode, settings.dt, settings.precision, settings.seed, duration, started, net.synapticEvents, desc, net.spikeCounts);
}

function summary(
  mode: SimulationMode,
  dt: number | null,
  precision: Precision,
  seed: number,
  durationMs: number,
  started: number,
  synapticEvents: number,
  desc: NetworkDescription,
  counts: Float64Array,
): SimulationResult {
  return {
    mode,
    dt,
    precision,
    seed,
    durationMs,
    wallSeconds: (performance.now() - started) / 1000,
    synapticEvents,
    populations: desc.populations.map((p, k) => ({
      name: p.name,
      size: p.size,
      spikes: counts[k]!,
      meanRateHz: counts[k]! / p.size / (durationMs / 1000),
    })),
  };
}
