/**
 * IDX file reader (the MNIST container format), raw or gzip-compressed.
 *
 * Layout (big-endian): bytes 0–1 are zero, byte 2 is the element type, byte 3 the number of
 * dimensions d; then d uint32 sizes; then the elements, row-major. MNIST and Fashion-MNIST only use
 * type 0x08 (unsigned byte), so that is the only type accepted: a wider type would need a
 * different array class everywhere downstream, and silently reinterpreting it would corrupt data.
 *
 * Every check is strict, because a damaged download otherwise shows up hours later as a model that
 * learns nothing: the file length must equal header + product of the sizes exactly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SnnError } from '../engine/errors.js';

export interface IdxArray {
  /** Sizes from the header, outermost first (images: [count, rows, cols]; labels: [count]). */
  dims: number[];
  /** The elements, row-major; a view on the (decompressed) file bytes, no copy. */
  data: Uint8Array;
}

/** IDX element-type codes (third magic byte), for messages. */
const IDX_TYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const DEFAULT_HINT =
  'the file is damaged or not an IDX file: download it again, or pass --data-dir DIR with intact files';

const hex2 = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads an IDX file from disk; gzip is detected by content (magic 1f 8b), not by the file name,
 * so a `.gz` that was already unpacked by a browser still loads.
 * @param hint shown with every corruption error (the locator passes a dataset-specific one).
 */
export function readIdx(file: string, hint: string = DEFAULT_HINT): IdxArray {
  if (!existsSync(file)) {
    throw new SnnError('dataset.missing', `${file}: file not found`, hint);
  }
  return parseIdx(readIdxBytes(file, hint), file, hint);
}

/**
 * Largest decompressed IDX file accepted (bytes): 5× the largest real one (Fashion-MNIST and MNIST
 * training images, 47 MB). Deflate expands up to ~1000×, so without a limit a 1 MB damaged or
 * hostile .gz could ask for a gigabyte.
 */
export const IDX_MAX_BYTES = 256 * 2 ** 20;

/** The decompressed bytes of an IDX file (header included). */
export function readIdxBytes(file: string, hint: string = DEFAULT_HINT, maxBytes: number = IDX_MAX_BYTES): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    // e.g. EISDIR or EACCES: name the file instead of surfacing a bare Node error.
    throw new SnnError('dataset.missing', `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint);
  }
  if (!isGzip(raw)) return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SnnError('dataset.corrupt', `${file}: decompresses to more than ${maxBytes} bytes, far larger than any IDX data set`, hint);
    }
    // zlib's own message ("unexpected end of file") does not say which file, so wrap it.
    throw new SnnError(
      'dataset.corrupt',
      `${file}: gzip data is damaged or truncated (${(err as Error).message})`,
      hint,
    );
  }
}

/** Parses IDX bytes already in memory; `file` only names the source in error messages. */
export function parseIdx(bytes: Uint8Array, file: string, hint: string = DEFAULT_HINT): IdxArray {
  const fail = (what: string): never => {
    throw new SnnError('dataset.corrupt', `${file}: ${what}`, hint);
  };
  if (bytes.length < 4) {
    fail(`truncated header (expected at least 4 bytes, found ${bytes.length})`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(
      `bad magic number (expected 0x00 0x00 <type> <dims>, found ${hex2(bytes[0]!)} ${hex2(bytes[1]!)} ` +
        `${hex2(bytes[2]!)} ${hex2(bytes[3]!)}); not an IDX file`,
    );
  }
  const type = bytes[2]!;
  if (type !== 0x08) {
    const name = IDX_TYPES[type] ?? 'unknown type';
    fail(
      `unsupported element type (expected 0x08 unsigned byte, found ${hex2(type)} ${name}); ` +
        'only unsigned-byte images and labels are supported',
    );
  }
  const nDims = bytes[3]!;
  if (nDims < 1) fail('bad header (expected at least 1 dimension, found 0)');
  const headerBytes = 4 + 4 * nDims;
  if (bytes.length < headerBytes) {
    fail(`truncated header (expected ${headerBytes} bytes for ${nDims} dimensions, found ${bytes.length})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < nDims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    count *= size;
  }
  // Sizes are uint32, so the product can exceed 2^53 only for absurd headers; reject those too.
  if (!Number.isSafeInteger(count)) {
    fail(`bad header (dimensions ${dims.join('×')} are too large)`);
  }
  const expected = headerBytes + count;
  if (bytes.length < expected) {
    fail(
      `truncated file (expected ${expected} bytes for dimensions ${dims.join('×')}, found ${bytes.length}; ` +
        `${expected - bytes.length} bytes missing)`,
    );
  }
  if (bytes.length > expected) {
    fail(
      `trailing data (expected ${expected} bytes for dimensions ${dims.join('×')}, found ${bytes.length})`,
    );
  }
  return {
    dims,
    data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, count),
  };
}

/** Encodes an unsigned-byte IDX file (for tests and for writing derived data sets). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new SnnError(
      'internal',
      `encodeIdx: dimensions ${dims.join('×')} hold ${count} bytes, data has ${data.length}`,
    );
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  out.set(data, headerBytes);
  return out;
}
