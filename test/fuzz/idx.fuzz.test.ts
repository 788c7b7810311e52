/**
 * IDX reader (datasets/idx.ts) under random, mutated and hostile input: data with exactly the
 * declared dimensions, or SnnError. datasets/idx.test.ts has the hand-written cases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx, readIdx, readIdxBytes, type IdxArray } from '../../datasets/idx.js';
import { byteMutation, fuzzParams, mutateBytes, survives, u32be } from './fuzz-helpers.js';

function correct(a: IdxArray): void {
  expect(a.dims.length).toBeGreaterThan(0);
  expect(a.data.length).toBe(a.dims.reduce((x, y) => x * y, 1));
}

const valid = encodeIdx([3, 4, 5], Uint8Array.from({ length: 60 }, (_, i) => i));

describe('IDX parser fuzz', () => {
  it('random bytes → data or SnnError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void survives(() => parseIdx(b, 'x'), correct)), fuzzParams(101, 500));
  });

  it('random bytes after a valid-looking magic (00 00 08 d) → data or SnnError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 200 }), (d, rest) => void survives(() => parseIdx(Uint8Array.from([0, 0, 8, d, ...rest]), 'x'), correct)),
      fuzzParams(102, 500),
    );
  });

  it('mutated valid files → the exact data or SnnError', () => {
    fc.assert(fc.property(byteMutation(valid.length), (m) => void survives(() => parseIdx(mutateBytes(valid, m), 'x'), correct)), fuzzParams(103, 500));
  });

  it('huge declared dimensions are refused before any allocation', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 6 }), fc.uint8Array({ maxLength: 64 }), (dims, data) => {
        const bytes = Uint8Array.from(Buffer.concat([Buffer.from([0, 0, 8, dims.length]), ...dims.map(u32be), data]));
        survives(() => parseIdx(bytes, 'x'), correct, 200);
      }),
      fuzzParams(104, 300),
    );
  });

  describe('from disk, raw and gzip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-idx-fuzz-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let k = 0;
    it('a gzip file that expands beyond the limit is refused while decompressing (no unbounded buffer)', () => {
      const p = join(dir, 'bomb.gz');
      writeFileSync(p, gzipSync(Buffer.alloc(4 * 2 ** 20))); // 4 MiB of zeros in ~4 KB
      expect(() => readIdxBytes(p, 'hint', 2 ** 20)).toThrow(/decompresses to more than 1048576 bytes/);
      expect(readIdxBytes(p, 'hint', 8 * 2 ** 20).length).toBe(4 * 2 ** 20);
    });

    it('mutated gzip files → data or SnnError', () => {
      const gz = gzipSync(valid);
      fc.assert(
        fc.property(byteMutation(gz.length), fc.boolean(), (m, wrap) => {
          const p = join(dir, `f${k++}`);
          const damaged = mutateBytes(gz, m);
          writeFileSync(p, wrap ? gzipSync(damaged) : damaged);
          survives(() => readIdx(p), correct);
        }),
        fuzzParams(105, 300),
      );
    });
  });
});
