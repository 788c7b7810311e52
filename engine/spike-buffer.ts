/** The spikes one population emitted in the current step: a preallocated id list and a count. */
export class SpikeBuffer {
  readonly ids: Int32Array;
  count = 0;

  /** `ids` may be given (e.g. a view of WebAssembly memory a kernel writes into); length ≥ size. */
  constructor(size: number, ids?: Int32Array) {
    this.ids = ids ?? new Int32Array(size);
  }
}
