/**
 * A network of populations and projections, simulated clock-driven on a dt grid.
 *
 * The network owns the schedule (engine/clock-schedule.ts), the input rings (one per target
 * channel, shared by every projection into it), the control event queue (stimulus changes,
 * presentation boundaries, callbacks), the hooks and its kernel device (models/kernels/device.ts:
 * the kernel memory and kernels of its populations and projections, chosen from the backend when
 * the network is created). `run(ms)` advances whole steps.
 */
import { ClockSchedule } from '../engine/clock-schedule.js';
import { SnnError } from '../engine/errors.js';
import { EventQueue } from '../engine/event-queue.js';
import type { KernelBackend } from '../engine/backend.js';
import type { Precision } from '../engine/float-array.js';
import { HookSet, type RunHooks } from '../engine/hooks.js';
import { InputRing } from '../engine/input-ring.js';
import type { RecorderSink } from '../engine/recorder-sink.js';
import { SpikeRecorder } from '../engine/spike-recorder.js';
import { StateRecorder } from '../engine/state-recorder.js';
import { KernelDevice } from './kernels/device.js';
import type { Population } from './population.js';
import type { Projection } from './projection.js';
import { accountingTask, populationTasks, propagationTask } from './step-tasks.js';

export type ControlCallback = (step: number, t: number) => void;

export interface RunProgress {
  step: number;
  totalSteps: number;
  t: number;
}

export class Network {
  readonly populations: Population[] = [];
  readonly projections: Projection[] = [];
  readonly schedule = new ClockSchedule();
  readonly control = new EventQueue<ControlCallback>();
  readonly hooks = new HookSet();
  readonly spikeRecorders: SpikeRecorder[] = [];
  readonly stateRecorders: StateRecorder[] = [];
  /**
   * This network's kernels: the memory its populations and plastic projections are built in and
   * the kernels on it (js backend: none, every component runs its JS loops). A builder passes it to
   * the populations it makes (`{ kernels: net.kernels }`); `addProjection` hands it to the projection.
   */
  readonly kernels: KernelDevice;
  /** Next step to simulate; the network time is step·dt. */
  step = 0;
  /** Spikes emitted so far, per population. */
  spikeCounts: Float64Array = new Float64Array(0);
  /** Synaptic events delivered so far (spikes × fan-out), for throughput statistics. */
  synapticEvents = 0;
  private finalized = false;
  private readonly rings = new Map<string, InputRing>();

  constructor(
    readonly dt: number,
    readonly precision: Precision,
    /** The kernel backend; default: the process's choice (engine/backend.ts) when the network is created. */
    backend?: KernelBackend,
  ) {
    this.kernels = new KernelDevice(backend);
    if (!(dt > 0) || !Number.isFinite(dt)) {
      throw new SnnError('config.invalid', `dt must be a finite number > 0 ms, got ${dt}`, 'use e.g. --dt 0.1');
    }
  }

  get time(): number {
    return this.step * this.dt;
  }

  population(name: string): Population {
    const p = this.populations.find((q) => q.name === name);
    if (!p) {
      throw new SnnError('config.invalid', `no population named '${name}'`, `known populations: ${this.populations.map((q) => q.name).join(', ')}`);
    }
    return p;
  }

  populationIndex(name: string): number {
    return this.populations.indexOf(this.population(name));
  }

  addPopulation<P extends Population>(p: P): P {
    this.assertOpen();
    if (this.populations.some((q) => q.name === p.name)) {
      throw new SnnError('config.invalid', `two populations are named '${p.name}'`, 'give each population a unique name');
    }
    this.populations.push(p);
    return p;
  }

  addProjection<P extends Projection>(proj: P): P {
    this.assertOpen();
    if (!proj.post.channels.includes(proj.channel)) {
      throw new SnnError(
        'config.invalid',
        `projection '${proj.name}' targets channel '${proj.channel}' of '${proj.post.name}', which has none`,
        proj.post.channels.length ? `use one of: ${proj.post.channels.join(', ')}` : `'${proj.post.name}' takes no input`,
      );
    }
    proj.useKernels?.(this.kernels);
    this.projections.push(proj);
    return proj;
  }

  /** Allocates the rings and declares the schedule; called once before the first step. */
  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    this.spikeCounts = new Float64Array(this.populations.length);
    for (const post of this.populations) {
      for (const channel of post.channels) {
        const feeding = this.projections.filter((p) => p.post === post && p.channel === channel);
        if (feeding.length === 0) continue;
        const maxDelay = Math.max(...feeding.map((p) => p.maxDelaySteps));
        const ring = new InputRing(
          this.precision,
          post.size,
          maxDelay,
          post.ringStorage ? (len) => post.ringStorage!(channel, len) : undefined,
          post.touchedStorage ? (len) => post.touchedStorage!(channel, len) : undefined,
        );
        this.rings.set(`${post.name}/${channel}`, ring);
        post.attachInput(channel, ring);
        for (const p of feeding) p.bindRing(ring);
        // Sparse delivery when every writer records what it touched (see InputRing).
        if (feeding.every((p) => p.tracksWrites === true)) ring.track();
        // Skipped delivery of unwritten slots when every writer flags its slots.
        if (feeding.every((p) => p.marksWrites === true)) ring.trackSlots();
      }
    }
    const pops = this.populations;
    pops.forEach((p, k) => {
      for (const task of populationTasks(p, k)) this.schedule.addTask(task);
    });
    this.projections.forEach((proj, k) => this.schedule.addTask(propagationTask(proj, k)));
    // Counting and recording run after every threshold of the step (Brian2's SpikeMonitor slot).
    this.schedule.addTask(accountingTask(this));
  }

  /** Counts this step's spikes and hands them to the spike hooks (the schedule's accounting task). */
  accountSpikes(step: number): void {
    const t = step * this.dt;
    const pops = this.populations;
    for (let k = 0; k < pops.length; k++) {
      const sp = pops[k]!.spikes;
      if (sp.count === 0) continue;
      this.spikeCounts[k] = this.spikeCounts[k]! + sp.count;
      if (this.hooks.hasSpike) this.hooks.spike(k, sp.ids, sp.count, t);
    }
    for (const proj of this.projections) {
      const sp = proj.pre.spikes;
      if (sp.count === 0) continue;
      if (proj.kind === 'sparse') {
        for (let k = 0; k < sp.count; k++) this.synapticEvents += proj.fanOut(sp.ids[k]!);
      } else {
        this.synapticEvents += sp.count * proj.fanOut(0);
      }
    }
    for (const r of this.spikeRecorders) r.record(t);
  }

  /** Streams the spikes of population `name` (optionally a subset of neurons) to `sink`. */
  recordSpikes(name: string, sink: RecorderSink, neurons?: ArrayLike<number>, chunkSize?: number): SpikeRecorder {
    const index = this.populationIndex(name);
    const pop = this.populations[index]!;
    let mask: Uint8Array | null = null;
    if (neurons) {
      mask = new Uint8Array(pop.size);
      for (let k = 0; k < neurons.length; k++) mask[checkNeuron(pop, neurons[k]!)] = 1;
    }
    const rec = new SpikeRecorder(index, pop.spikes, sink, mask, chunkSize);
    this.spikeRecorders.push(rec);
    return rec;
  }

  /** Samples `variable` of population `name` every `intervalMs` (a multiple of dt). */
  recordState(name: string, variable: string, sink: RecorderSink, neurons: ArrayLike<number> | null, intervalMs: number): StateRecorder {
    const index = this.populationIndex(name);
    const pop = this.populations[index]!;
    const vars = pop.stateVariables();
    if (!(variable in vars)) {
      throw new SnnError('config.invalid', `population '${name}' has no state variable '${variable}'`, `record one of: ${Object.keys(vars).join(', ')}`);
    }
    const intervalSteps = Math.round(intervalMs / this.dt);
    if (intervalSteps < 1 || Math.abs(intervalSteps * this.dt - intervalMs) > 1e-9 * Math.max(1, intervalMs)) {
      throw new SnnError('config.invalid', `state recording interval ${intervalMs} ms is not a positive multiple of dt = ${this.dt} ms`, `use a multiple of ${this.dt}`);
    }
    const ids = neurons ? Int32Array.from(neurons, (i) => checkNeuron(pop, i)) : Int32Array.from({ length: pop.size }, (_, i) => i);
    const rec = new StateRecorder(index, variable, () => pop.stateVariables()[variable]!, ids, intervalSteps, sink);
    this.stateRecorders.push(rec);
    this.schedule.add('start', this.stateRecorders.length, `record ${name}.${variable}`, (s) => rec.sample(s, s * this.dt));
    return rec;
  }

  addHooks(hooks: RunHooks): void {
    this.hooks.add(hooks);
  }

  /** Runs `callback` before the first step whose time is ≥ `time` (ms); lower priority first on ties. */
  at(time: number, callback: ControlCallback, priority = 0): void {
    this.control.push(time, priority, callback);
  }

  /** Simulates `durationMs` (rounded to whole steps). */
  run(durationMs: number, onProgress?: (p: RunProgress) => void, progressEverySteps = 1000): void {
    this.finalize();
    const steps = Math.round(durationMs / this.dt);
    this.runSteps(steps, onProgress, progressEverySteps);
  }

  runSteps(steps: number, onProgress?: (p: RunProgress) => void, progressEverySteps = 1000): void {
    this.finalize();
    const end = this.step + steps;
    const dt = this.dt;
    const schedule = this.schedule;
    const control = this.control;
    const hooks = this.hooks;
    // Control events due "at t" run before step n when t ≤ n·dt (a tolerance absorbs rounding of t).
    const eps = 1e-6 * dt;
    // Resolve what is lazily resolved once per network (schedule order, wasm kernel instances) here,
    // not on the first step: a branch taken once per network inside the hot functions has no type
    // feedback when V8 optimised them on an earlier network, and deoptimises them in this loop.
    schedule.tasks();
    for (const p of this.projections) p.prepare?.();
    for (let s = this.step; s < end; s++) {
      const t = s * dt;
      while (control.peekTime() <= t + eps) control.pop()!.payload(s, t);
      schedule.runStep(s);
      if (hooks.hasStep) hooks.step(s, t);
      this.step = s + 1;
      if (onProgress && (s + 1) % progressEverySteps === 0) onProgress({ step: s + 1 - (end - steps), totalSteps: steps, t: (s + 1) * dt });
    }
  }

  /** Flushes every recorder's buffered data to its sink. */
  flushRecorders(): void {
    for (const r of this.spikeRecorders) r.flush();
    for (const r of this.stateRecorders) r.flush();
  }

  /** The ring of (population, channel); the caller may write into it, so write tracking stops. */
  ring(population: string, channel: string): InputRing | undefined {
    const r = this.rings.get(`${population}/${channel}`);
    r?.untrack();
    r?.unmark();
    return r;
  }

  /**
   * The ring of (population, channel) for reading, `clear()` and `restore()` only (no direct
   * writes): write tracking and slot flags stay on.
   */
  inputRing(population: string, channel: string): InputRing | undefined {
    return this.rings.get(`${population}/${channel}`);
  }

  private assertOpen(): void {
    if (this.finalized) throw new SnnError('usage', 'the network is already running; add populations and projections before the first run', 'build the whole network first');
  }
}

function checkNeuron(pop: Population, i: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= pop.size) {
    throw new SnnError('config.invalid', `neuron ${i} is outside population '${pop.name}' (0..${pop.size - 1})`, 'fix the neuron index');
  }
  return i;
}
