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
export class SpikeStatsAccumulator {
  readonly size: number;
  private readonly last: Float64Array;
  private readonly isiCount: Int32Array;
  private readonly isiMean: Float64Array;
  private readonly isiM2: Float64Array;
  private readonly seen: Uint8Array;
  spikes = 0;
  first = Infinity;
  lastSpike = -Infinity;

  constructor(size: number) {
    this.size = size;
    this.last = new Float64Array(size).fill(NaN);
    this.isiCount = new Int32Array(size);
    this.isiMean = new Float64Array(size);
    this.isiM2 = new Float64Array(size);
    this.seen = new Uint8Array(size);
  }

  /** Adds `count` spikes (ids must be in [0, size); per-neuron times non-decreasing). */
  add(times: ArrayLike<number>, ids: ArrayLike<number>, count: number = ids.length): void {
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

  /** Final numbers; `durationMs` (from t = 0) sets the rate. */
  result(name: string, durationMs: number | null): PopulationStats {
    let active = 0;
    let cvSum = 0;
    let cvNeurons = 0;
    for (let k = 0; k < this.size; k++) {
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
