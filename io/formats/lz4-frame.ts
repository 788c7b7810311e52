/**
 * LZ4 frame format (the one AEDAT 4.0 packets use) on top of lz4js, a small pure-JS codec.
 *
 * lz4js trusts its input: a damaged block size makes it loop over billions of phantom bytes. So before
 * decoding we walk the frame ourselves — magic, descriptor, every block size — and refuse any block that
 * runs past the buffer. That bounds the work by the input length and gives us an exact output bound.
 */
import { compress, decompress } from 'lz4js';
import { SnnError } from '../../engine/errors.js';

const MAGIC = 0x184d2204;
const BLOCK_MAX: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

export function lz4FrameCompress(bytes: Uint8Array): Uint8Array {
  return compress(bytes);
}

export function isLz4Frame(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === MAGIC;
}

export function lz4FrameDecompress(bytes: Uint8Array): Uint8Array {
  const bad = (what: string) => new SnnError('io.corrupt', `LZ4 frame: ${what}`, 'the compressed data is damaged');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isLz4Frame(bytes)) throw bad('missing magic number');
  if (bytes.length < 7) throw bad('truncated frame header');
  const flg = bytes[4]!;
  const bd = bytes[5]!;
  if ((flg & 0xc0) !== 0x40) throw bad(`unsupported version ${flg >> 6}`);
  if (flg & 0x01) throw bad('dictionary ids are not supported');
  const blockChecksum = (flg & 0x10) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const maxBlock = BLOCK_MAX[(bd >> 4) & 7];
  if (maxBlock === undefined) throw bad(`invalid block size code ${(bd >> 4) & 7}`);
  let pos = 6 + (contentSize ? 8 : 0) + 1; // + header checksum byte
  let bound = 0;
  for (;;) {
    if (pos + 4 > bytes.length) throw bad('truncated block size');
    const word = v.getUint32(pos, true);
    pos += 4;
    if (word === 0) break; // end mark
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > maxBlock) throw bad(`block of ${size} bytes exceeds the frame's maximum ${maxBlock}`);
    pos += size + (blockChecksum ? 4 : 0);
    if (pos > bytes.length) throw bad('block runs past the end of the data');
    bound += stored ? size : Math.min(maxBlock, size * 255 + 16);
  }
  if (contentChecksum && pos + 4 > bytes.length) throw bad('truncated content checksum');
  try {
    return decompress(bytes, bound);
  } catch (err) {
    throw bad((err as Error).message);
  }
}
