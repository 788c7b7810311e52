/**
 * Adapts the engine's RecorderSink to the native trace writer, and tees spikes into per-population
 * statistics (rate, CV of ISI) so a run can print its summary without reading the trace back.
 */
import type { RecorderSink } from '../engine/recorder-sink.js';
import { SpikeStatsAccumulator } from './trace-stats.js';
import type { TraceWriter } from './trace-writer.js';

export class StatsSink implements RecorderSink {
  readonly stats: SpikeStatsAccumulator[];

  constructor(
    sizes: readonly number[],
    private readonly next: RecorderSink | null,
  ) {
    this.stats = sizes.map((n) => new SpikeStatsAccumulator(n));
  }

  writeSpikes(population: number, times: Float64Array, ids: Int32Array, count: number): void {
    this.stats[population]!.add(times, ids, count);
    this.next?.writeSpikes(population, times, ids, count);
  }

  writeState(population: number, variable: string, times: Float64Array, neurons: Int32Array, values: Float64Array, rows: number): void {
    this.next?.writeState(population, variable, times, neurons, values, rows);
  }
}

export class TraceSink implements RecorderSink {
  constructor(private readonly writer: TraceWriter) {}

  writeSpikes(population: number, times: Float64Array, ids: Int32Array, count: number): void {
    this.writer.writeSpikes(population, times, ids, count);
  }

  writeState(population: number, variable: string, times: Float64Array, neurons: Int32Array, values: Float64Array, rows: number): void {
    this.writer.writeState(population, variable, neurons, times.subarray(0, rows), values.subarray(0, rows * neurons.length));
  }
}

/** Collects spikes for the JSON output (`{"spikes": [[t_ms, neuron], ...]}`); for small runs. */
export class JsonSpikesSink implements RecorderSink {
  readonly spikes: Array<[number, number, number]> = [];

  constructor(private readonly roundTimes: boolean) {}

  writeSpikes(population: number, times: Float64Array, ids: Int32Array, count: number): void {
    for (let k = 0; k < count; k++) {
      // Clock-mode times are n·dt: 12 significant digits remove the binary noise (18.500000000000004).
      const t = this.roundTimes ? Number(times[k]!.toPrecision(12)) : times[k]!;
      this.spikes.push([t, ids[k]!, population]);
    }
  }

  writeState(): void {}
}
