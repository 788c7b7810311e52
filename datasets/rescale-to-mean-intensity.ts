/**
 * Per-image contrast normalisation used by Hao et al. for Fashion-MNIST (docs/datasets.md, "Preprocessing").
 *
 * Their MATLAB script (data/normalization/*.m) multiplies every image by k = target / mean(pixels)
 * with `imfilter(img, k)` on a uint8 image. MATLAB computes that in double and converts back to
 * uint8, which rounds half away from zero and saturates at 0 and 255. We reproduce exactly that, so
 * the rescaled images equal their `*-idx3-ubyte_normalized_to30` files up to how MATLAB's
 * `mean` sums (double precision either way).
 *
 * Why it matters: Fashion-MNIST images differ a lot in total ink (a sandal vs a pullover), and a
 * rate-coded network's activity scales with total input rate; rescaling every image to the same
 * mean (≈30, MNIST's is ≈33) keeps the hidden layer in its working range for every class.
 */
import { SnnError } from '../engine/errors.js';

/**
 * Rescales each image of `images` (count × pixelsPerImage, uint8) to mean intensity `targetMean`.
 * All-zero images stay zero (MATLAB would give 0·Inf = NaN → uint8 0; same result, stated).
 * Saturated pixels make the result's mean fall below the target; nothing is redistributed.
 * @param out destination (may be `images` itself for in-place); allocated when omitted.
 * @returns the rescaled images.
 */
export function rescaleToMeanIntensity(
  images: Uint8Array,
  pixelsPerImage: number,
  targetMean: number,
  out: Uint8Array = new Uint8Array(images.length),
): Uint8Array {
  if (!Number.isInteger(pixelsPerImage) || pixelsPerImage <= 0 || images.length % pixelsPerImage !== 0) {
    throw new SnnError(
      'config.invalid',
      `rescaleToMeanIntensity: ${images.length} bytes are not a whole number of ${pixelsPerImage}-pixel images`,
      'pass the pixel count of one image (784 for 28×28)',
    );
  }
  if (!(targetMean > 0) || !Number.isFinite(targetMean)) {
    throw new SnnError(
      'config.invalid',
      `rescaleMeanTo must be a positive number, got ${targetMean}`,
      'use e.g. rescaleMeanTo: 30 (Hao et al.) or leave it unset',
    );
  }
  if (out.length !== images.length) {
    throw new SnnError(
      'internal',
      `rescaleToMeanIntensity: output holds ${out.length} bytes, input ${images.length}`,
    );
  }
  const count = images.length / pixelsPerImage;
  for (let img = 0; img < count; img++) {
    const start = img * pixelsPerImage;
    const end = start + pixelsPerImage;
    let sum = 0;
    for (let p = start; p < end; p++) sum += images[p]!;
    if (sum === 0) {
      out.fill(0, start, end);
      continue;
    }
    // Same operation order as MATLAB: k = target / mean, then pixel · k.
    const k = targetMean / (sum / pixelsPerImage);
    for (let p = start; p < end; p++) {
      // Values are ≥ 0, so Math.round (half up) equals MATLAB's half-away-from-zero here.
      const v = Math.round(images[p]! * k);
      out[p] = v > 255 ? 255 : v;
    }
  }
  return out;
}
