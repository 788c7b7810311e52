/** The spikes one population emitted in the current step: a preallocated id list and a count. */
export class SpikeBuffer {
  readonly ids: Int32Array;
  count = 0;

  constructor(size: number) {
    this.ids = new Int32Array(size);
  }
}
