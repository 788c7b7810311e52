/**
 * Per-population statistics of a spike trace, computed in one streaming pass over its chunks with
 * O(neurons) memory: per neuron only its last spike time and Welford running sums of its
 * inter-spike intervals (count, mean, M2). Nothing depends on how many spikes the file holds.
 */
import type { TraceEnd, TraceHeader } from './trace-format.js';
import { TraceReader, type TraceReadOptions, type TraceStop } from './trace-reader.js';

export interface PopulationStats {
  name: string;
  size: number;
  spikes: number;
  /** Neurons with at least one spike. */
  activeNeurons: number;
  /** spikes / (size × duration), Hz; null when the duration is unknown or zero. */
  meanRateHz: number | null;
  /**
   * Mean over neurons with ≥ 3 spikes of std/mean of their ISIs (population std, ddof = 0, as
   * Elephant's `cv`); null when no neuron qualifies. 0 for a regular train, ≈ 1 for Poisson.
   */
  cvIsi: number | null;
  /** Neurons that entered the CV mean. */
  cvNeurons: number;
  /** ms; null without spikes. */
  firstSpike: number | null;
  lastSpike: number | null;
}

export interface StateStats {
  population: string;
  variable: string;
  neurons: number;
  samples: number;
}

export interface TraceSummary {
  path: string;
  header: TraceHeader;
  complete: boolean;
  chunks: number;
  bytes: number;
  end: TraceEnd | null;
  stopped: TraceStop | null;
  /** ms from t = 0: the end record's tStop, else the last spike (an underestimate), else null. */
  durationMs: number | null;
  durationSource: 'tStop' | 'last-spike' | null;
  populations: PopulationStats[];
  states: StateStats[];
}

/** Streaming spike statistics of one population; feed spikes in time order with `add`. */
/**
 * Populations up to this size get dense per-neuron arrays (29 bytes per neuron). Larger ones keep
 * statistics only for neurons that fired (a map from id to slot), so memory follows the data, not
 * the size a header declares: a trace header may claim 2^31 neurons in a few bytes.
 */
const DENSE_MAX = 1 << 22;

export class SpikeStatsAccumulator {
  readonly size: number;
  private last: Float64Array;
  private isiCount: Int32Array;
  private isiMean: Float64Array;
  private isiM2: Float64Array;
  private seen: Uint8Array;
  /** Neuron id → slot for populations above DENSE_MAX; null when slots are neuron ids. */
  private readonly slot: Map<number, number> | null;
  spikes = 0;
  first = Infinity;
  lastSpike = -Infinity;

  constructor(size: number) {
    this.size = size;
    this.slot = size > DENSE_MAX ? new Map() : null;
    const n = this.slot ? 1024 : size;
    this.last = new Float64Array(n).fill(NaN);
    this.isiCount = new Int32Array(n);
    this.isiMean = new Float64Array(n);
    this.isiM2 = new Float64Array(n);
    this.seen = new Uint8Array(n);
  }

  /** Adds `count` spikes (ids must be in [0, size); per-neuron times non-decreasing). */
  add(times: ArrayLike<number>, ids: ArrayLike<number>, count: number = ids.length): void {
    if (this.slot) {
      this.addSparse(times, ids, count);
      return;
    }
    const { last, isiCount, isiMean, isiM2, seen } = this;
    for (let i = 0; i < count; i++) {
      const t = times[i]!;
      const id = ids[i]!;
      const prev = last[id]!;
      if (prev === prev) {
        // Welford: numerically stable running mean and sum of squared deviations.
        const isi = t - prev;
        const n = isiCount[id]! + 1;
        const d = isi - isiMean[id]!;
        const mean = isiMean[id]! + d / n;
        isiM2[id] = isiM2[id]! + d * (isi - mean);
        isiMean[id] = mean;
        isiCount[id] = n;
      } else {
        seen[id] = 1;
      }
      last[id] = t;
      if (t < this.first) this.first = t;
      if (t > this.lastSpike) this.lastSpike = t;
    }
    this.spikes += count;
  }

  /** add() for large populations: the same arithmetic on the slot of each neuron that fired. */
  private addSparse(times: ArrayLike<number>, ids: ArrayLike<number>, count: number): void {
    const slot = this.slot!;
    for (let i = 0; i < count; i++) {
      const t = times[i]!;
      let k = slot.get(ids[i]!);
      if (k === undefined) {
        k = slot.size;
        if (k === this.last.length) this.grow();
        slot.set(ids[i]!, k);
      }
      const prev = this.last[k]!;
      if (prev === prev) {
        const isi = t - prev;
        const n = this.isiCount[k]! + 1;
        const d = isi - this.isiMean[k]!;
        const mean = this.isiMean[k]! + d / n;
        this.isiM2[k] = this.isiM2[k]! + d * (isi - mean);
        this.isiMean[k] = mean;
        this.isiCount[k] = n;
      } else {
        this.seen[k] = 1;
      }
      this.last[k] = t;
      if (t < this.first) this.first = t;
      if (t > this.lastSpike) this.lastSpike = t;
    }
    this.spikes += count;
  }

  private grow(): void {
    const n = this.last.length * 2;
    const more = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.last = more(this.last, (m) => new Float64Array(m).fill(NaN));
    this.isiCount = more(this.isiCount, (m) => new Int32Array(m));
    this.isiMean = more(this.isiMean, (m) => new Float64Array(m));
    this.isiM2 = more(this.isiM2, (m) => new Float64Array(m));
    this.seen = more(this.seen, (m) => new Uint8Array(m));
  }

  /** Final numbers; `durationMs` (from t = 0) sets the rate. */
  result(name: string, durationMs: number | null): PopulationStats {
    let active = 0;
    let cvSum = 0;
    let cvNeurons = 0;
    const slots = this.slot ? this.slot.size : this.size;
    for (let k = 0; k < slots; k++) {
      active += this.seen[k]!;
      const n = this.isiCount[k]!;
      const mean = this.isiMean[k]!;
      // ≥ 2 ISIs (≥ 3 spikes); a zero mean (coincident spikes only) has no defined CV.
      if (n >= 2 && mean > 0) {
        cvSum += Math.sqrt(this.isiM2[k]! / n) / mean;
        cvNeurons += 1;
      }
    }
    const has = this.spikes > 0;
    return {
      name,
      size: this.size,
      spikes: this.spikes,
      activeNeurons: active,
      meanRateHz: durationMs !== null && durationMs > 0 ? this.spikes / this.size / (durationMs / 1000) : null,
      cvIsi: cvNeurons > 0 ? cvSum / cvNeurons : null,
      cvNeurons,
      firstSpike: has ? this.first : null,
      lastSpike: has ? this.lastSpike : null,
    };
  }
}

/** Header, completeness and per-population statistics of the trace at `path`, in one streaming pass. */
export function summarizeTrace(path: string, options: TraceReadOptions = {}): TraceSummary {
  const reader = TraceReader.open(path, options);
  try {
    const h = reader.header;
    const acc = h.populations.map((p) => new SpikeStatsAccumulator(p.size));
    const states = new Map<string, StateStats>();
    const it = reader.chunks();
    let step = it.next();
    for (; !step.done; step = it.next()) {
      const c = step.value;
      if (c.kind === 'spikes') {
        acc[c.pop]!.add(c.times, c.ids);
      } else {
        const key = `${c.pop}\u0000${c.variable}\u0000${c.neurons.length}`;
        const s = states.get(key) ?? { population: h.populations[c.pop]!.name, variable: c.variable, neurons: c.neurons.length, samples: 0 };
        s.samples += c.times.length;
        states.set(key, s);
      }
    }
    const status = step.value;
    let durationMs: number | null = null;
    let durationSource: TraceSummary['durationSource'] = null;
    if (status.end?.tStop != null) {
      durationMs = status.end.tStop;
      durationSource = 'tStop';
    } else {
      const lastSpike = Math.max(...acc.map((a) => a.lastSpike));
      if (lastSpike > 0) {
        durationMs = lastSpike;
        durationSource = 'last-spike';
      }
    }
    return {
      path,
      header: h,
      complete: status.complete,
      chunks: status.chunks,
      bytes: status.bytes,
      end: status.end,
      stopped: status.stopped,
      durationMs,
      durationSource,
      populations: acc.map((a, k) => a.result(h.populations[k]!.name, durationMs)),
      states: [...states.values()],
    };
  } finally {
    reader.close();
  }
}
