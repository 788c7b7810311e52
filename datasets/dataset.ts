/**
 * An image-classification data set in memory: MNIST or Fashion-MNIST, one split.
 *
 * Images stay as raw uint8 pixels in one flat `Uint8Array` (sample-major, row-major, 784 bytes per
 * 28×28 image): the Poisson encoder reads pixels directly, and 60 000 images are 47 MB as bytes
 * versus 376 MB as float64. Normalisation, when a model wants it, happens in the encoder's rate.
 */
import { createHash } from 'node:crypto';
import { SnnError } from '../engine/errors.js';
import type { RngStream } from '../engine/rng.js';
import { readIdx } from './idx.js';
import { locateDataset, type DatasetName, type LocateOptions, type Split } from './locate.js';
import { rescaleToMeanIntensity } from './rescale-to-mean-intensity.js';

export interface Dataset {
  readonly name: DatasetName;
  readonly split: Split;
  /** Number of samples held here. */
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** count × rows × cols pixels, 0–255; sample i is `images.subarray(i*rows*cols, (i+1)*rows*cols)`. */
  readonly images: Uint8Array;
  /** count labels, 0–9. */
  readonly labels: Uint8Array;
  /**
   * SHA-256 (hex) of the raw pixel payload followed by the raw label payload of the whole split
   * as stored on disk (IDX headers excluded, so the raw and gzip copies hash the same), before
   * any preprocessing or subsetting. Run manifests record it with `offset`, `count` and
   * `rescaledMeanTo`, which together identify exactly which inputs a run saw.
   */
  readonly sha256: string;
  /** Index of this set's first sample within the full split (0 unless made by `subset`). */
  readonly offset: number;
  /** Target mean of the per-image rescaling applied on load, or null when pixels are raw. */
  readonly rescaledMeanTo: number | null;
  /** The files the data came from. */
  readonly files: { readonly images: string; readonly labels: string };
}

export interface LoadOptions extends LocateOptions {
  /**
   * Rescale every image to this mean pixel intensity (Hao et al. use 30 for Fashion-MNIST, see
   * `rescaleToMeanIntensity`). Off unless given: the loader never preprocesses implicitly.
   */
  rescaleMeanTo?: number;
}

/** Number of classes in both MNIST and Fashion-MNIST. */
export const NUM_CLASSES = 10;

/**
 * Loads one split of a data set and validates it (shapes agree, labels in 0–9).
 * @throws SnnError `dataset.missing` when the files are absent, `dataset.corrupt` when damaged.
 */
export function loadDataset(name: DatasetName, split: Split, opts: LoadOptions = {}): Dataset {
  const files = locateDataset(name, split, opts);
  const img = readIdx(files.images, files.repairHint);
  const lab = readIdx(files.labels, files.repairHint);
  const corrupt = (file: string, what: string): never => {
    throw new SnnError('dataset.corrupt', `${file}: ${what}`, files.repairHint);
  };
  if (img.dims.length !== 3) {
    corrupt(files.images, `not an image file (expected 3 dimensions, found ${img.dims.length})`);
  }
  if (lab.dims.length !== 1) {
    corrupt(files.labels, `not a label file (expected 1 dimension, found ${lab.dims.length})`);
  }
  const [count, rows, cols] = img.dims as [number, number, number];
  if (lab.dims[0] !== count) {
    corrupt(files.labels, `label count does not match ${files.images} (expected ${count}, found ${lab.dims[0]})`);
  }
  for (let i = 0; i < count; i++) {
    if (lab.data[i]! >= NUM_CLASSES) {
      corrupt(files.labels, `label out of range at sample ${i} (expected 0–9, found ${lab.data[i]})`);
    }
  }
  const sha256 = createHash('sha256').update(img.data).update(lab.data).digest('hex');
  const images =
    opts.rescaleMeanTo === undefined ? img.data : rescaleToMeanIntensity(img.data, rows * cols, opts.rescaleMeanTo);
  return {
    name,
    split,
    count,
    rows,
    cols,
    images,
    labels: lab.data,
    sha256,
    offset: 0,
    rescaledMeanTo: opts.rescaleMeanTo ?? null,
    files: { images: files.images, labels: files.labels },
  };
}

/**
 * The `count` samples starting at `offset`, as views on the same memory (no copy).
 * `sha256` still names the full split; `offset` and `count` say which part of it this is.
 */
export function subset(ds: Dataset, count: number, offset = 0): Dataset {
  if (!Number.isInteger(count) || !Number.isInteger(offset) || count < 0 || offset < 0 || offset + count > ds.count) {
    throw new SnnError(
      'config.invalid',
      `subset of ${count} samples at offset ${offset} does not fit the ${ds.count}-sample ${ds.name} ${ds.split} set`,
      `choose offset + count ≤ ${ds.count}`,
    );
  }
  const px = ds.rows * ds.cols;
  return {
    ...ds,
    count,
    images: ds.images.subarray(offset * px, (offset + count) * px),
    labels: ds.labels.subarray(offset, offset + count),
    offset: ds.offset + offset,
  };
}

/** The pixels of sample `i` (a view, no copy). */
export function imageOf(ds: Dataset, i: number): Uint8Array {
  const px = ds.rows * ds.cols;
  return ds.images.subarray(i * px, (i + 1) * px);
}

/** A permutation of 0..count-1 drawn from `rng` (Fisher–Yates): same stream state ⇒ same order. */
export function shuffledIndices(count: number, rng: RngStream): Int32Array {
  const idx = new Int32Array(count);
  for (let i = 0; i < count; i++) idx[i] = i;
  return rng.shuffle(idx);
}
