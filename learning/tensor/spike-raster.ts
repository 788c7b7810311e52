/**
 * A binary spike matrix [T, B, n] (rows = T·B, one per (step, sample), step-major) kept as its
 * spikes: per row the columns that fired, ascending (`idx[starts[r] .. starts[r + 1])`).
 *
 * Why: tensor mode's input is Poisson spikes at ≈ 5 % of the pixels per step. The encoder already
 * produces them as lists; building the dense [T·B, n] block, uploading it to tfjs, reading it back
 * and scanning it for its ones cost more than the product that uses them (bench/log/tensor-mode.md).
 * The event-driven product (spike-matmul.ts) takes a raster directly; `dense()` builds the block
 * only for the paths that need it (other backends, TrAct's X).
 *
 * `columns()` gives the transposed lists (per column the rows where it fired, ascending), which turn
 * the weight gradient Xᵀ·G into the same gather as X·W.
 */
export class SpikeRaster {
  private denseCache: Float32Array | null = null;
  private columnCache: { idx: Int32Array; starts: Int32Array } | null = null;

  constructor(
    /** Steps T. */
    readonly steps: number,
    /** Samples B. */
    readonly batch: number,
    /** Neurons n (columns). */
    readonly size: number,
    /** Column of every spike, row by row, ascending within a row. */
    readonly idx: Int32Array,
    /** T·B + 1 offsets into `idx`. */
    readonly starts: Int32Array,
  ) {}

  get rows(): number {
    return this.steps * this.batch;
  }

  /** The dense 0/1 matrix, row-major [T, B, n] (built once). */
  dense(): Float32Array {
    if (this.denseCache === null) {
      const x = new Float32Array(this.rows * this.size);
      for (let r = 0; r < this.rows; r++) {
        const base = r * this.size;
        for (let k = this.starts[r]!; k < this.starts[r + 1]!; k++) x[base + this.idx[k]!] = 1;
      }
      this.denseCache = x;
    }
    return this.denseCache;
  }

  /** Per column, the rows where it fired, ascending (a counting sort of the spikes; built once). */
  columns(): { idx: Int32Array; starts: Int32Array } {
    if (this.columnCache === null) {
      const n = this.size;
      const starts = new Int32Array(n + 1);
      const nnz = this.starts[this.rows]!;
      for (let k = 0; k < nnz; k++) starts[this.idx[k]! + 1]++;
      for (let c = 0; c < n; c++) starts[c + 1] += starts[c]!;
      const cursor = starts.slice(0, n);
      const idx = new Int32Array(nnz);
      for (let r = 0; r < this.rows; r++) for (let k = this.starts[r]!; k < this.starts[r + 1]!; k++) idx[cursor[this.idx[k]!]!++] = r;
      this.columnCache = { idx, starts };
    }
    return this.columnCache;
  }

  /** The raster of a dense [T, B, n] matrix; null when it is not all 0/1. */
  static fromDense(x: Float32Array, steps: number, batch: number, size: number): SpikeRaster | null {
    let nnz = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v === 1) nnz++;
      else if (v !== 0) return null;
    }
    const rows = steps * batch;
    const starts = new Int32Array(rows + 1);
    const idx = new Int32Array(nnz);
    let k = 0;
    for (let r = 0; r < rows; r++) {
      starts[r] = k;
      const base = r * size;
      for (let i = 0; i < size; i++) if (x[base + i] === 1) idx[k++] = i;
    }
    starts[rows] = k;
    const raster = new SpikeRaster(steps, batch, size, idx, starts);
    raster.denseCache = x;
    return raster;
  }

  /**
   * Builds a raster sample by sample: `perSample(b)` gives sample b's spikes as an encoder does
   * (ids of step n at `ids[stepStart[n] .. stepStart[n + 1])`, ascending; may be overwritten by the
   * next call). Rows are then interleaved step-major.
   */
  static fromSamples(steps: number, batch: number, size: number, perSample: (b: number) => { stepStart: Int32Array; ids: Int32Array }): SpikeRaster {
    // Two passes over the samples would re-draw them; keep each sample's lists and interleave after.
    const lists: { stepStart: Int32Array; ids: Int32Array }[] = [];
    let nnz = 0;
    for (let b = 0; b < batch; b++) {
      const s = perSample(b);
      const stepStart = s.stepStart.slice(0, steps + 1);
      const ids = s.ids.slice(0, stepStart[steps]!);
      lists.push({ stepStart, ids });
      nnz += ids.length;
    }
    const idx = new Int32Array(nnz);
    const starts = new Int32Array(steps * batch + 1);
    let k = 0;
    for (let n = 0; n < steps; n++) {
      for (let b = 0; b < batch; b++) {
        starts[n * batch + b] = k;
        const { stepStart, ids } = lists[b]!;
        for (let j = stepStart[n]!; j < stepStart[n + 1]!; j++) idx[k++] = ids[j]!;
      }
    }
    starts[steps * batch] = k;
    return new SpikeRaster(steps, batch, size, idx, starts);
  }
}
