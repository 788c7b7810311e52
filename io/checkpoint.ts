/**
 * Checkpoints and model files: a msgpack object (typed arrays kept, msgpackr `moreTypes`) framed
 * with a magic, a version and a SHA-256 of the payload, written atomically (temp + fsync + rename).
 * A damaged or truncated file is refused with a one-line error instead of being half-loaded.
 *
 *   bytes 0..7   magic (8 ASCII bytes, e.g. "SNNCKPT1" or "SNNMODL1")
 *   bytes 8..39  SHA-256 of the payload
 *   bytes 40..   msgpack payload
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Packr } from 'msgpackr';
import { SnnError } from '../engine/errors.js';
import { fsError, writeFileAtomic } from './atomic.js';

const packr = new Packr({ moreTypes: true, useRecords: false });

export const CHECKPOINT_MAGIC = 'SNNCKPT1';
export const MODEL_MAGIC = 'SNNMODL1';

export function encodeFramed(magic: string, value: unknown): Buffer {
  const payload = packr.pack(value);
  const hash = createHash('sha256').update(payload).digest();
  return Buffer.concat([Buffer.from(magic, 'ascii'), hash, payload]);
}

export function writeFramed(path: string, magic: string, value: unknown): void {
  writeFileAtomic(path, encodeFramed(magic, value));
}

export function readFramed<T>(path: string, magic: string, what: string): T {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    fsError(err, path, 'read');
  }
  if (bytes.length < 40 || bytes.subarray(0, 8).toString('ascii') !== magic) {
    throw new SnnError('io.format', `${path} is not an snn ${what} (bad magic)`, `give the ${what} file snn wrote`);
  }
  const payload = bytes.subarray(40);
  const hash = createHash('sha256').update(payload).digest();
  if (!hash.equals(bytes.subarray(8, 40))) {
    throw new SnnError('io.corrupt', `${path}: the ${what} fails its checksum (damaged or truncated)`, 'use an intact copy, or rerun');
  }
  try {
    return packr.unpack(payload) as T;
  } catch (err) {
    throw new SnnError('io.corrupt', `${path}: the ${what} cannot be decoded (${(err as Error).message})`, 'use an intact copy, or rerun');
  }
}
