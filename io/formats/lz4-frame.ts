/**
 * LZ4 frame format (the one AEDAT 4.0 packets use) on top of lz4js, a small pure-JS codec.
 *
 * We parse the frame ourselves and use lz4js only for the blocks: lz4js's own frame reader trusts its
 * input (a damaged block size makes it loop over billions of phantom bytes), skips block checksums
 * before the block instead of after it, and mis-reads 64-bit content sizes. Our walk checks every
 * block against the buffer first, which bounds the work by the input length and the output size.
 * Checked against liblz4 (python-lz4) frames with content size, content and block checksums, and
 * independent or linked blocks.
 */
import { compress, decompressBlock } from 'lz4js';
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
  const first = 6 + (contentSize ? 8 : 0) + 1; // + header checksum byte
  // Pass 1: block table, bounds-checked, and an upper bound of the output size.
  const blocks: Array<[start: number, size: number, stored: boolean]> = [];
  let pos = first;
  let bound = 0;
  for (;;) {
    if (pos + 4 > bytes.length) throw bad('truncated block size');
    const word = v.getUint32(pos, true);
    pos += 4;
    if (word === 0) break; // end mark
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > maxBlock) throw bad(`block of ${size} bytes exceeds the frame's maximum ${maxBlock}`);
    if (pos + size + (blockChecksum ? 4 : 0) > bytes.length) throw bad('block runs past the end of the data');
    blocks.push([pos, size, stored]);
    pos += size + (blockChecksum ? 4 : 0);
    bound += stored ? size : Math.min(maxBlock, size * 255 + 16);
  }
  if (contentChecksum && pos + 4 > bytes.length) throw bad('truncated content checksum');
  // Pass 2: decode into one buffer, so linked blocks can refer back to earlier output.
  const out = new Uint8Array(bound);
  let n = 0;
  for (const [start, size, stored] of blocks) {
    if (stored) {
      out.set(bytes.subarray(start, start + size), n);
      n += size;
    } else {
      n = decompressBlock(bytes, out, start, size, n);
    }
    if (n > bound) throw bad('block decodes to more data than its frame allows');
  }
  return out.subarray(0, n);
}
