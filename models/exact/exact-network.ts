/**
 * Exact event-driven simulation of current-based LIF neurons with delta synapses: no dt at all.
 *
 * Between events a neuron's potential follows the closed form
 *   v(t) = vInf + (v(t₀) − vInf)·e^{−(t − t₀)/τm},   vInf = vRest + iBias,
 * so it is advanced lazily, only when an event touches it. A neuron can cross threshold in two
 * ways: an input jump (v + w > vThresh at the arrival time), or drift when vInf > vThresh, at the
 * analytic time t₀ + τm·ln((v(t₀) − vInf)/(vThresh − vInf)), which is scheduled as an event and
 * invalidated when an input changes the trajectory. After a spike v = vReset and stays there until
 * t + refractory; input arriving while refractory is lost (as in clock mode).
 *
 * Events (engine EventQueue: time, then priority, then insertion order):
 *   priority 0 — source spikes (spike-source arrays, Poisson sources with exact exponential ISIs)
 *   priority 1 — spike arrivals (a projection's pre-synaptic spike after its real-valued delay)
 *   priority 2 — predicted threshold crossings
 * Spikes carry their exact (off-grid) times.
 */
import { SnnError } from '../../engine/errors.js';
import { EventQueue } from '../../engine/event-queue.js';
import type { RecorderSink } from '../../engine/recorder-sink.js';
import { RngStream } from '../../engine/rng.js';
import type { NetworkDescription, PopulationDescription, ProjectionDescription } from '../description.js';
import { lifParamsOf, perNeuron } from '../build-network.js';
import type { LifParams } from '../lif.js';

const SOURCE = 0;
const ARRIVAL = 1;
const CROSSING = 2;

interface ExactEvent {
  kind: number;
  group: number; // population (SOURCE, CROSSING) or projection (ARRIVAL)
  index: number; // neuron (SOURCE, CROSSING), pre neuron (uniform delay) or synapse (per-synapse delay)
}

interface ExactLif {
  name: string;
  size: number;
  params: LifParams;
  vInf: number;
  v: Float64Array; // value at tUpd
  tUpd: Float64Array;
  refEnd: Float64Array;
  lastSpike: Float64Array;
  crossing: Float64Array; // scheduled crossing time (NaN: none)
}

interface ExactSource {
  name: string;
  size: number;
  kind: 'poisson' | 'array';
  rates: Float64Array; // Hz (poisson)
  next: Float64Array; // pending spike time (poisson), NaN if none
  rng: RngStream | null;
}

interface ExactProjection {
  name: string;
  from: number;
  to: number;
  // CSR over pre neurons, weights and per-synapse delays (ms)
  rowPtr: Int32Array;
  cols: Int32Array;
  weights: Float64Array;
  delay: number | null;
  delays: Float64Array | null;
}

export interface ExactSpikeLog {
  times: Float64Array;
  ids: Int32Array;
}

export class ExactNetwork {
  readonly populationNames: string[];
  private readonly lifs: (ExactLif | null)[];
  private readonly sources: (ExactSource | null)[];
  private readonly projections: ExactProjection[];
  private readonly outgoing: number[][];
  private readonly queue = new EventQueue<ExactEvent>();
  private readonly sinks: (RecorderSink | null)[];
  private readonly buffers: { times: Float64Array; ids: Int32Array; count: number }[];
  readonly spikeCounts: Float64Array;
  /** Input jumps applied (synaptic events), for statistics. */
  synapticEvents = 0;
  time = 0;

  constructor(desc: NetworkDescription, seed: number) {
    this.populationNames = desc.populations.map((p) => p.name);
    this.lifs = desc.populations.map((p) => (p.model === 'lif' ? makeLif(p) : null));
    this.sources = desc.populations.map((p, k) => (p.model === 'lif' ? null : this.makeSource(p, k, seed)));
    this.projections = (desc.projections ?? []).map((pr, k) => this.makeProjection(pr, k, desc, seed));
    this.outgoing = desc.populations.map((_, k) => this.projections.flatMap((p, j) => (p.from === k ? [j] : [])));
    this.sinks = desc.populations.map(() => null);
    this.buffers = desc.populations.map(() => ({ times: new Float64Array(4096), ids: new Int32Array(4096), count: 0 }));
    this.spikeCounts = new Float64Array(desc.populations.length);
    // Neurons driven above threshold by a constant input cross it without any event: predict it now.
    this.lifs.forEach((pop, k) => {
      if (pop) for (let i = 0; i < pop.size; i++) this.predictCrossing(pop, k, i);
    });
  }

  private makeSource(p: PopulationDescription, k: number, seed: number): ExactSource {
    if (p.model === 'spike-source-array') {
      for (const [t, i] of p.spikes) {
        if (i >= p.size) throw new SnnError('config.invalid', `population '${p.name}': spike names neuron ${i}, outside 0..${p.size - 1}`, 'fix the neuron index');
        this.queue.push(t, SOURCE, { kind: SOURCE, group: k, index: i });
      }
      return { name: p.name, size: p.size, kind: 'array', rates: new Float64Array(0), next: new Float64Array(0), rng: null };
    }
    if (p.model !== 'poisson') throw new Error('unreachable');
    if (p.deadTime) throw new SnnError('config.invalid', `population '${p.name}': deadTime is not supported in exact mode`, 'remove deadTime or use --mode clock');
    if (p.rateChanges?.length) throw new SnnError('config.invalid', `population '${p.name}': rateChanges are not supported in exact mode yet`, 'use --mode clock');
    const rates = typeof p.rates === 'number' ? new Float64Array(p.size).fill(p.rates) : Float64Array.from(p.rates);
    if (rates.length !== p.size) throw new SnnError('config.invalid', `population '${p.name}'.rates has ${rates.length} values for ${p.size} neurons`, `give one value or ${p.size}`);
    const src: ExactSource = { name: p.name, size: p.size, kind: 'poisson', rates, next: new Float64Array(p.size).fill(NaN), rng: RngStream.derive(seed, `pop:${p.name}/spikes`) };
    for (let i = 0; i < p.size; i++) this.schedulePoisson(src, k, i, 0);
    return src;
  }

  private schedulePoisson(src: ExactSource, k: number, i: number, from: number): void {
    const r = src.rates[i]!;
    if (r <= 0) return;
    const t = from + src.rng!.exponential(r / 1000);
    src.next[i] = t;
    this.queue.push(t, SOURCE, { kind: SOURCE, group: k, index: i });
  }

  private makeProjection(pr: ProjectionDescription, k: number, desc: NetworkDescription, seed: number): ExactProjection {
    const name = pr.name ?? `${pr.from}->${pr.to}#${k}`;
    const from = desc.populations.findIndex((p) => p.name === pr.from);
    const to = desc.populations.findIndex((p) => p.name === pr.to);
    if (from < 0 || to < 0) throw new SnnError('config.invalid', `projections[${k}] names a population that does not exist`, `known populations: ${this.populationNames.join(', ')}`);
    const post = this.lifs[to];
    if (!post) throw new SnnError('config.invalid', `projections[${k}]: '${pr.to}' is a source and takes no input`, 'connect to a LIF population');
    if (pr.channel !== 'v') throw new SnnError('config.invalid', `projections[${k}]: exact mode supports delta synapses only (channel 'v'), got '${pr.channel}'`, 'use --mode clock for current or conductance synapses');
    const nPre = desc.populations[from]!.size;
    const nPost = post.size;
    const connectRng = RngStream.derive(seed, `proj:${name}/connect`);
    const rows: number[][] = Array.from({ length: nPre }, () => []);
    const c = pr.connectivity;
    if (c === 'dense') rows.forEach((r) => { for (let j = 0; j < nPost; j++) r.push(j); });
    else if (c === 'one-to-one') rows.forEach((r, i) => r.push(i));
    else if (c === 'all-but-self') rows.forEach((r, i) => { for (let j = 0; j < nPost; j++) if (j !== i) r.push(j); });
    else if ('probability' in c) rows.forEach((r, i) => { for (let j = 0; j < nPost; j++) if (connectRng.uniform() < c.probability && ((c.allowSelf ?? true) || i !== j || from !== to)) r.push(j); });
    else for (const [i, j] of c.pairs) rows[i]!.push(j);
    const rowPtr = new Int32Array(nPre + 1);
    rows.forEach((r, i) => (rowPtr[i + 1] = rowPtr[i]! + r.length));
    const cols = Int32Array.from(rows.flat());
    const values = (spec: unknown, stream: string, what: string): Float64Array => {
      const out = new Float64Array(cols.length);
      const rng = RngStream.derive(seed, `proj:${name}/${stream}`);
      if (typeof spec === 'number') out.fill(spec);
      else if (Array.isArray(spec)) {
        if (Array.isArray(spec[0])) {
          for (let i = 0; i < nPre; i++) for (let s = rowPtr[i]!; s < rowPtr[i + 1]!; s++) out[s] = (spec[i] as number[])[cols[s]!]!;
        } else if (c === 'one-to-one' && spec.length === cols.length) out.set(spec as number[]);
        else throw new SnnError('config.invalid', `projections[${k}].${what} has the wrong shape for exact mode`, 'give a value, a distribution or a [pre][post] matrix');
      } else if (spec && typeof spec === 'object' && 'uniform' in spec) {
        const [lo, hi] = (spec as { uniform: [number, number] }).uniform;
        for (let s = 0; s < out.length; s++) out[s] = rng.uniformRange(lo, hi);
      } else if (spec && typeof spec === 'object' && 'normal' in spec) {
        const { mean, std } = (spec as { normal: { mean: number; std: number } }).normal;
        for (let s = 0; s < out.length; s++) out[s] = mean + std * rng.normal();
      }
      return out;
    };
    const weights = values(pr.weights, 'weights', 'weights');
    const uniformDelay = pr.delay === undefined ? 0 : typeof pr.delay === 'number' ? pr.delay : null;
    return { name, from, to, rowPtr, cols, weights, delay: uniformDelay, delays: uniformDelay === null ? values(pr.delay, 'delays', 'delay') : null };
  }

  /** Streams spikes of a population to `sink` (exact times). */
  recordSpikes(name: string, sink: RecorderSink): void {
    const k = this.populationNames.indexOf(name);
    if (k < 0) throw new SnnError('config.invalid', `no population named '${name}'`, `known populations: ${this.populationNames.join(', ')}`);
    this.sinks[k] = sink;
  }

  /** Processes every event with time < until (ms). */
  run(durationMs: number): void {
    const until = this.time + durationMs;
    const q = this.queue;
    while (q.peekTime() < until) {
      const ev = q.pop()!;
      const t = ev.time;
      const e = ev.payload;
      if (e.kind === SOURCE) this.onSource(e.group, e.index, t);
      else if (e.kind === ARRIVAL) this.onArrival(e.group, e.index, t);
      else this.onCrossing(e.group, e.index, t);
    }
    this.time = until;
  }

  private onSource(k: number, i: number, t: number): void {
    const src = this.sources[k]!;
    if (src.kind === 'poisson') {
      if (src.next[i] !== t) return; // superseded
      this.schedulePoisson(src, k, i, t);
    }
    this.emit(k, i, t);
  }

  private emit(k: number, i: number, t: number): void {
    this.spikeCounts[k] = this.spikeCounts[k]! + 1;
    const sink = this.sinks[k];
    if (sink) {
      const b = this.buffers[k]!;
      b.times[b.count] = t;
      b.ids[b.count] = i;
      if (++b.count === b.times.length) {
        sink.writeSpikes(k, b.times, b.ids, b.count);
        b.count = 0;
      }
    }
    for (const j of this.outgoing[k]!) {
      const pr = this.projections[j]!;
      if (pr.delay !== null) this.queue.push(t + pr.delay, ARRIVAL, { kind: ARRIVAL, group: j, index: i });
      else for (let s = pr.rowPtr[i]!; s < pr.rowPtr[i + 1]!; s++) this.queue.push(t + pr.delays![s]!, ARRIVAL, { kind: ARRIVAL, group: j, index: -1 - s });
    }
  }

  private onArrival(j: number, index: number, t: number): void {
    const pr = this.projections[j]!;
    const post = this.lifs[pr.to]!;
    if (index >= 0) {
      for (let s = pr.rowPtr[index]!; s < pr.rowPtr[index + 1]!; s++) this.input(post, pr.to, pr.cols[s]!, pr.weights[s]!, t);
    } else {
      const s = -1 - index;
      this.input(post, pr.to, pr.cols[s]!, pr.weights[s]!, t);
    }
  }

  private input(pop: ExactLif, k: number, i: number, w: number, t: number): void {
    this.synapticEvents++;
    if (t < pop.refEnd[i]! || t === pop.lastSpike[i]) return; // lost while refractory
    const v = this.advance(pop, i, t) + w;
    if (!Number.isFinite(v)) {
      // The numerical guard of exact mode: every change of v passes here.
      throw new SnnError(
        'numeric.nonfinite',
        `non-finite state: ${pop.name}.v[${i}] = ${v} at t = ${Number(t.toPrecision(12))} ms`,
        'check the parameters and weights for values that make the dynamics diverge (huge weights)',
      );
    }
    pop.v[i] = v;
    if (v > pop.params.vThresh) this.spike(pop, k, i, t);
    else this.predictCrossing(pop, k, i);
  }

  private onCrossing(k: number, i: number, t: number): void {
    const pop = this.lifs[k]!;
    if (pop.crossing[i] !== t) return; // invalidated by a later input
    this.spike(pop, k, i, t);
  }

  private spike(pop: ExactLif, k: number, i: number, t: number): void {
    pop.lastSpike[i] = t;
    pop.refEnd[i] = t + pop.params.refractory;
    pop.v[i] = pop.params.vReset;
    pop.tUpd[i] = t;
    pop.crossing[i] = NaN;
    this.emit(k, i, t);
    this.predictCrossing(pop, k, i);
  }

  /** Potential of neuron i at time t (≥ tUpd), written back as the new reference point. */
  private advance(pop: ExactLif, i: number, t: number): number {
    let t0 = pop.tUpd[i]!;
    let v0 = pop.v[i]!;
    const refEnd = pop.refEnd[i]!;
    if (refEnd > t0) {
      // Frozen at vReset until the refractory period ends.
      if (t <= refEnd) {
        pop.tUpd[i] = t;
        return v0;
      }
      t0 = refEnd;
      v0 = pop.params.vReset;
    }
    const v = pop.vInf + (v0 - pop.vInf) * Math.exp(-(t - t0) / pop.params.tauM);
    pop.v[i] = v;
    pop.tUpd[i] = t;
    return v;
  }

  /** Schedules the drift crossing of threshold, if vInf lies above it. */
  private predictCrossing(pop: ExactLif, k: number, i: number): void {
    const p = pop.params;
    pop.crossing[i] = NaN;
    if (pop.vInf <= p.vThresh) return;
    const start = Math.max(pop.tUpd[i]!, pop.refEnd[i]!);
    const v0 = pop.refEnd[i]! > pop.tUpd[i]! ? p.vReset : pop.v[i]!;
    const tc = v0 >= p.vThresh ? start : start + p.tauM * Math.log((v0 - pop.vInf) / (p.vThresh - pop.vInf));
    pop.crossing[i] = tc;
    this.queue.push(tc, CROSSING, { kind: CROSSING, group: k, index: i });
  }

  /** Potential of every neuron of a LIF population at the current time (no state change). */
  potentials(name: string): Float64Array {
    const pop = this.lifs[this.populationNames.indexOf(name)];
    if (!pop) throw new SnnError('config.invalid', `'${name}' is not a LIF population`, 'name a LIF population');
    const out = new Float64Array(pop.size);
    for (let i = 0; i < pop.size; i++) {
      let t0 = pop.tUpd[i]!;
      let v0 = pop.v[i]!;
      if (pop.refEnd[i]! > t0) {
        if (this.time <= pop.refEnd[i]!) { out[i] = v0; continue; }
        t0 = pop.refEnd[i]!;
        v0 = pop.params.vReset;
      }
      out[i] = pop.vInf + (v0 - pop.vInf) * Math.exp(-(this.time - t0) / pop.params.tauM);
    }
    return out;
  }

  flushRecorders(): void {
    this.buffers.forEach((b, k) => {
      const sink = this.sinks[k];
      if (sink && b.count > 0) sink.writeSpikes(k, b.times, b.ids, b.count);
      b.count = 0;
    });
  }
}

function makeLif(p: Extract<PopulationDescription, { model: 'lif' }>): ExactLif {
  const params = lifParamsOf(p);
  if (params.synapse !== 'delta') throw new SnnError('config.invalid', `population '${p.name}': exact mode supports delta synapses only, got '${params.synapse}'`, 'use --mode clock');
  if (params.thetaPlus !== 0 || params.thetaInit !== 0) throw new SnnError('config.invalid', `population '${p.name}': exact mode has no dynamic threshold`, 'set thetaPlus and thetaInit to 0, or use --mode clock');
  const v0 = p.v0 === undefined ? params.vRest : p.v0;
  if (typeof v0 === 'object' && !Array.isArray(v0)) throw new SnnError('config.invalid', `population '${p.name}': random v0 is not supported in exact mode yet`, 'give a value or one value per neuron');
  const v = perNeuron(v0, p.size, `population '${p.name}'.v0`);
  return {
    name: p.name,
    size: p.size,
    params,
    vInf: params.vRest + params.iBias,
    v,
    tUpd: new Float64Array(p.size),
    refEnd: new Float64Array(p.size).fill(-Infinity),
    lastSpike: new Float64Array(p.size).fill(-Infinity),
    crossing: new Float64Array(p.size).fill(NaN),
  };
}
