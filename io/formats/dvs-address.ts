/**
 * Neuron id ↔ event-camera pixel (x, y, polarity), shared by AEDAT 2.0/4.0 and Tonic npy.
 *
 * Mapping (docs/formats.md): x = id % width, y = floor(id / width); polarity comes from an option
 * ('on' → 1, 'off' → 0, 'id-parity' → id & 1). The inverse is id = y·width + x whatever the polarity,
 * so the mapping is lossless for every polarity mode.
 *
 * AEDAT 2.0 packs (x, y, p) into a 32-bit address word; two layouts (docs/formats.md, "Neuron id → pixel"):
 * - dvs128: bit 0 polarity (1 = ON), bits 1–7 x, bits 8–14 y, bit 15 external event → x, y < 128.
 * - davis:  bit 11 polarity, bits 12–21 x, bits 22–30 y, bit 31 = 0 for DVS events → x < 1024, y < 512.
 */
import { SnnError } from '../../engine/errors.js';
import { polarityBit, type Polarity } from './format-options.js';
import { maxTime, singlePopulationLayout, splitFlat, type PopulationLayout, type SpikeData } from './spike-data.js';

export type AddressLayout = 'dvs128' | 'davis';

export interface PixelEvents {
  x: Uint16Array;
  y: Uint16Array;
  /** 1 = ON, 0 = OFF. */
  p: Uint8Array;
}

/** Largest x and y each layout can hold (exclusive). */
export const LAYOUT_LIMITS: Record<AddressLayout, { x: number; y: number }> = {
  dvs128: { x: 128, y: 128 },
  davis: { x: 1024, y: 512 },
};

/** Splits global ids into pixels; `limitY` guards the formats that cannot hold large y. */
export function idsToPixels(ids: Int32Array, width: number, polarity: Polarity, limitY = 32768): PixelEvents {
  const n = ids.length;
  const x = new Uint16Array(n);
  const y = new Uint16Array(n);
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const yy = Math.floor(id / width);
    if (yy >= limitY) {
      throw new SnnError(
        'usage',
        `neuron ${id} maps to y = ${yy}, beyond the format's limit of ${limitY - 1} at width ${width}`,
        'use a larger --width, another address layout, or a format without this limit (aedat4, nirdata)',
      );
    }
    x[i] = id % width;
    y[i] = yy;
    p[i] = polarityBit(polarity, id);
  }
  return { x, y, p };
}

/** Inverse of `idsToPixels`; a pixel outside the sensor width cannot be a neuron of ours. */
export function pixelsToIds(x: ArrayLike<number>, y: ArrayLike<number>, width: number): Int32Array {
  const ids = new Int32Array(x.length);
  for (let i = 0; i < ids.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    if (xi < 0 || xi >= width || yi < 0) {
      throw new SnnError(
        'io.format',
        `event ${i} at (x=${xi}, y=${yi}) lies outside a sensor of width ${width}`,
        'pass the sensor width the file was written with (--width)',
      );
    }
    const id = yi * width + xi;
    if (id > 0x7fffffff) throw new SnnError('io.format', `event ${i} maps to neuron id ${id}, beyond int32`, 'pass a smaller --width');
    ids[i] = id;
  }
  return ids;
}

/** Packs one pixel event into an AEDAT 2.0 address word (unsigned 32-bit value). */
export function encodeAddress(layout: AddressLayout, x: number, y: number, p: number): number {
  const lim = LAYOUT_LIMITS[layout];
  if (x >= lim.x || y >= lim.y) {
    throw new SnnError(
      'usage',
      `pixel (x=${x}, y=${y}) does not fit the ${layout} address layout (x < ${lim.x}, y < ${lim.y})`,
      layout === 'dvs128' ? "use --width ≤ 128 and ≤ 128 rows, or the 'davis' layout" : 'use the aedat4 format',
    );
  }
  return layout === 'dvs128' ? (y << 8) | (x << 1) | p : ((y << 22) | (x << 12) | (p << 11)) >>> 0;
}

/** Decodes an address word; returns false for non-polarity events (external / APS / IMU). */
export function decodeAddress(layout: AddressLayout, addr: number, out: { x: number; y: number; p: number }): boolean {
  if (layout === 'dvs128') {
    if (addr & 0x8000) return false; // bit 15: external (special) event, not a pixel
    out.p = addr & 1;
    out.x = (addr >>> 1) & 0x7f;
    out.y = (addr >>> 8) & 0x7f;
    return true;
  }
  if (addr >>> 31) return false; // bit 31: APS (frame) sample
  if (addr & 0x400) return false; // bit 10: IMU / special event in jAER's DAVIS layout
  out.p = (addr >>> 11) & 1;
  out.x = (addr >>> 12) & 0x3ff;
  out.y = (addr >>> 22) & 0x1ff;
  return true;
}

/**
 * Decoded event-camera events → SpikeData: µs → ms, pixels → ids, ids → populations (the table our
 * writers embed, else one population 'events'). Shared by the AEDAT readers.
 */
export function pixelEventsToSpikeData(
  ev: { x: ArrayLike<number>; y: ArrayLike<number>; tUs: ArrayLike<number> },
  meta: { width: number; layout: PopulationLayout[] | null; durationMs: number | null; dt: number | null },
): SpikeData {
  const width = meta.width;
  const ids = pixelsToIds(ev.x, ev.y, width);
  const times = new Float64Array(ev.tUs.length);
  for (let i = 0; i < times.length; i++) times[i] = Number(ev.tUs[i]!) / 1000;
  const layout = meta.layout ?? singlePopulationLayout(ids);
  return {
    populations: splitFlat(times, ids, layout),
    dt: meta.dt,
    durationMs: meta.durationMs ?? maxTime(times),
  };
}
