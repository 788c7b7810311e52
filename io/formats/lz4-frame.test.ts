import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { lz4FrameCompress, lz4FrameDecompress } from './lz4-frame.js';

const payload = Buffer.concat([Buffer.from('snn'.repeat(4000)), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131) % 251))]);

/** Re-frames a plain lz4js frame with the optional fields liblz4 may write (content size, checksums). */
function withOptionalFields(frame: Uint8Array): Buffer {
  const f = Buffer.from(frame);
  const parts: Buffer[] = [f.subarray(0, 4), Buffer.from([f[4]! | 0x10 | 0x08 | 0x04, f[5]!])];
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(payload.length));
  parts.push(size, Buffer.from([0])); // header checksum: not verified by our reader
  let pos = 7;
  for (;;) {
    const word = f.readUInt32LE(pos);
    parts.push(f.subarray(pos, pos + 4));
    pos += 4;
    if (word === 0) break;
    const n = word & 0x7fffffff;
    parts.push(f.subarray(pos, pos + n), Buffer.alloc(4)); // block + block checksum
    pos += n;
  }
  parts.push(Buffer.alloc(4)); // content checksum
  return Buffer.concat(parts);
}

describe('LZ4 frame', () => {
  it('round-trips and compresses repetitive data', () => {
    const z = lz4FrameCompress(payload);
    expect([...z.subarray(0, 4)]).toEqual([0x04, 0x22, 0x4d, 0x18]);
    expect(z.length).toBeLessThan(payload.length);
    expect(Buffer.from(lz4FrameDecompress(z))).toEqual(payload);
  });

  it('reads frames with content size, block checksums and content checksum', () => {
    expect(Buffer.from(lz4FrameDecompress(withOptionalFields(lz4FrameCompress(payload))))).toEqual(payload);
  });

  it('refuses a block size that runs past the data, without decoding', () => {
    const z = Buffer.from(lz4FrameCompress(payload));
    z.writeUInt32LE(0x003fffff, 7); // first block claims ~4 MiB
    expect(() => lz4FrameDecompress(z)).toThrow(SnnError);
  });
});
