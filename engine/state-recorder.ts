/**
 * Samples one state variable of a population (chosen neurons) every `intervalSteps` steps, at the
 * start of the step (the value at t = n·dt, before the update: Brian2's StateMonitor convention),
 * and streams fixed-size blocks of rows to a sink.
 */
import type { FloatArray } from './float-array.js';
import type { RecorderSink } from './recorder-sink.js';

export class StateRecorder {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private rows = 0;
  private readonly rowsPerChunk: number;

  constructor(
    readonly population: number,
    readonly variable: string,
    private readonly array: () => FloatArray,
    private readonly neurons: Int32Array,
    readonly intervalSteps: number,
    private readonly sink: RecorderSink,
    chunkValues = 65536,
  ) {
    this.rowsPerChunk = Math.max(1, Math.floor(chunkValues / Math.max(1, neurons.length)));
    this.times = new Float64Array(this.rowsPerChunk);
    this.values = new Float64Array(this.rowsPerChunk * neurons.length);
  }

  sample(step: number, t: number): void {
    if (step % this.intervalSteps !== 0) return;
    const a = this.array();
    const n = this.neurons.length;
    const base = this.rows * n;
    for (let j = 0; j < n; j++) this.values[base + j] = a[this.neurons[j]!]!;
    this.times[this.rows] = t;
    this.rows++;
    if (this.rows === this.rowsPerChunk) this.flush();
  }

  flush(): void {
    if (this.rows === 0) return;
    this.sink.writeState(this.population, this.variable, this.times, this.neurons, this.values, this.rows);
    this.rows = 0;
  }
}
