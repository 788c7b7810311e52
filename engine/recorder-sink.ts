/**
 * Where recorders stream their data. A sink receives columnar chunks; the arrays passed in are
 * reused by the recorder after the call returns, so a sink must copy or write them out at once.
 */
export interface RecorderSink {
  writeSpikes(population: number, times: Float64Array, ids: Int32Array, count: number): void;
  writeState(
    population: number,
    variable: string,
    times: Float64Array,
    neurons: Int32Array,
    values: Float64Array,
    rows: number,
  ): void;
}

/** Keeps everything in memory: for the library API and tests. */
export class MemorySink implements RecorderSink {
  private readonly spikeChunks = new Map<number, { times: Float64Array; ids: Int32Array }[]>();
  private readonly stateChunks = new Map<string, { times: Float64Array; values: Float64Array; neurons: Int32Array }[]>();

  writeSpikes(population: number, times: Float64Array, ids: Int32Array, count: number): void {
    let list = this.spikeChunks.get(population);
    if (!list) this.spikeChunks.set(population, (list = []));
    list.push({ times: times.slice(0, count), ids: ids.slice(0, count) });
  }

  writeState(
    population: number,
    variable: string,
    times: Float64Array,
    neurons: Int32Array,
    values: Float64Array,
    rows: number,
  ): void {
    const key = `${population}/${variable}`;
    let list = this.stateChunks.get(key);
    if (!list) this.stateChunks.set(key, (list = []));
    list.push({ times: times.slice(0, rows), values: values.slice(0, rows * neurons.length), neurons: neurons.slice() });
  }

  /** All spikes of one population, in recording order (time, then neuron id within a step). */
  spikes(population: number): { times: Float64Array; ids: Int32Array } {
    const list = this.spikeChunks.get(population) ?? [];
    const n = list.reduce((s, c) => s + c.times.length, 0);
    const times = new Float64Array(n);
    const ids = new Int32Array(n);
    let k = 0;
    for (const c of list) {
      times.set(c.times, k);
      ids.set(c.ids, k);
      k += c.times.length;
    }
    return { times, ids };
  }

  /** Recorded values of one variable: `values[row * neurons.length + j]` at `times[row]`. */
  state(population: number, variable: string): { times: Float64Array; neurons: Int32Array; values: Float64Array } {
    const list = this.stateChunks.get(`${population}/${variable}`) ?? [];
    const rows = list.reduce((s, c) => s + c.times.length, 0);
    const neurons = list[0]?.neurons ?? new Int32Array(0);
    const times = new Float64Array(rows);
    const values = new Float64Array(rows * neurons.length);
    let r = 0;
    for (const c of list) {
      times.set(c.times, r);
      values.set(c.values, r * neurons.length);
      r += c.times.length;
    }
    return { times, neurons, values };
  }
}
