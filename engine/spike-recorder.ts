/**
 * Records the spikes of one population (all neurons or a subset) into fixed-size chunks that are
 * streamed to a sink, so memory stays bounded however long the run.
 */
import type { RecorderSink } from './recorder-sink.js';
import type { SpikeBuffer } from './spike-buffer.js';

export class SpikeRecorder {
  private readonly times: Float64Array;
  private readonly ids: Int32Array;
  private count = 0;
  /** Spikes recorded so far (all chunks). */
  total = 0;

  constructor(
    readonly population: number,
    private readonly source: SpikeBuffer,
    private readonly sink: RecorderSink,
    /** Optional membership mask: record neuron i only if subset[i] === 1. */
    private readonly subset: Uint8Array | null = null,
    chunkSize = 65536,
  ) {
    this.times = new Float64Array(chunkSize);
    this.ids = new Int32Array(chunkSize);
  }

  /** Buffered (not yet flushed) spikes: bounded by the chunk size. */
  get buffered(): number {
    return this.count;
  }

  record(t: number): void {
    const src = this.source;
    const cap = this.times.length;
    for (let k = 0; k < src.count; k++) {
      const id = src.ids[k]!;
      if (this.subset !== null && this.subset[id] !== 1) continue;
      this.times[this.count] = t;
      this.ids[this.count] = id;
      this.count++;
      this.total++;
      if (this.count === cap) this.flush();
    }
  }

  flush(): void {
    if (this.count === 0) return;
    this.sink.writeSpikes(this.population, this.times, this.ids, this.count);
    this.count = 0;
  }
}
