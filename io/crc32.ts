/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial 0xEDB88320, reflected, init and final xor 0xFFFFFFFF).
 *
 * Node added `zlib.crc32` in 20.15 / 22.2; it is native and ~10× faster than JS, so we use it when
 * present. package.json allows any Node ≥ 20, so older 20.x fall back to the table-driven version
 * below, which gives bit-identical results (the test checks both against known vectors).
 */
import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Pure-JS CRC-32; `previous` continues a running checksum (same contract as zlib.crc32). */
export function crc32Js(data: Uint8Array, previous = 0): number {
  const t = (table ??= makeTable());
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type NativeCrc = (data: Uint8Array, value?: number) => number;
const native: NativeCrc | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib as { crc32: NativeCrc }).crc32 : undefined;

/** CRC-32 of `data` as an unsigned 32-bit integer. */
export function crc32(data: Uint8Array, previous = 0): number {
  return native ? native(data, previous) >>> 0 : crc32Js(data, previous);
}

/** True when the native implementation is in use (reported by tests, not needed by callers). */
export const crc32IsNative = native !== undefined;
