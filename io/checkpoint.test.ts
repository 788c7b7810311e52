/**
 * The framed checkpoint/model format: magic, SHA-256 of the payload, msgpack payload with typed
 * arrays kept; every kind of damage refused with its own one-line error.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_MAGIC, encodeFramed, MODEL_MAGIC, readFramed, writeFramed } from './checkpoint.js';
import { refusal as caught } from '../test/helpers/refusal.js';

const dir = mkdtempSync(join(tmpdir(), 'snn-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `f${n++}.bin`);

const value = { step: 42, name: 'run', w: Float64Array.from([0.5, -1.25, 3]), ids: Int32Array.from([7, -2]), f32: Float32Array.from([1.5]), nested: { u8: Uint8Array.from([1, 2, 255]) } };

describe('framed files', () => {
  it('layout: 8 bytes of magic, the SHA-256 of the payload, then the payload', () => {
    const bytes = encodeFramed(CHECKPOINT_MAGIC, value);
    expect(bytes.subarray(0, 8).toString('ascii')).toBe('SNNCKPT1');
    const payload = bytes.subarray(40);
    expect(payload.length).toBeGreaterThan(0);
    expect(bytes.subarray(8, 40).equals(createHash('sha256').update(payload).digest())).toBe(true);
    expect(encodeFramed(MODEL_MAGIC, value).subarray(0, 8).toString('ascii')).toBe('SNNMODL1');
  });

  it('round-trips values with their typed-array classes', () => {
    const p = file();
    writeFramed(p, CHECKPOINT_MAGIC, value);
    const back = readFramed<typeof value>(p, CHECKPOINT_MAGIC, 'checkpoint');
    expect(back).toEqual(value);
    expect(back.w).toBeInstanceOf(Float64Array);
    expect(back.ids).toBeInstanceOf(Int32Array);
    expect(back.f32).toBeInstanceOf(Float32Array);
    expect(back.nested.u8).toBeInstanceOf(Uint8Array);
    expect(readFileSync(p).equals(encodeFramed(CHECKPOINT_MAGIC, value))).toBe(true);
  });

  it('a model file is not a checkpoint (bad magic), and says what to give', () => {
    const p = file();
    writeFramed(p, MODEL_MAGIC, value);
    const e = caught(() => readFramed(p, CHECKPOINT_MAGIC, 'checkpoint'));
    expect(e.code).toBe('io.format');
    expect(e.message).toBe(`${p} is not an snn checkpoint (bad magic)`);
    expect(e.hint).toBe('give the checkpoint file snn wrote');
  });

  it('a file shorter than the header is refused as bad magic, even when it starts with the magic', () => {
    for (const len of [0, 8, 39]) {
      const p = file();
      writeFileSync(p, encodeFramed(CHECKPOINT_MAGIC, value).subarray(0, len));
      expect(caught(() => readFramed(p, CHECKPOINT_MAGIC, 'checkpoint')).code).toBe('io.format');
    }
  });

  it('a header with an empty payload reads when its hash is right (40 bytes is a whole file)', () => {
    const p = file();
    const empty = Buffer.alloc(0);
    writeFileSync(p, Buffer.concat([Buffer.from(CHECKPOINT_MAGIC, 'ascii'), createHash('sha256').update(empty).digest()]));
    // msgpack cannot decode nothing: the error names the decoding, not the checksum
    const e = caught(() => readFramed(p, CHECKPOINT_MAGIC, 'checkpoint'));
    expect(e.code).toBe('io.corrupt');
    expect(e.message).toMatch(/^.*: the checkpoint cannot be decoded \(/);
  });

  it('a changed payload byte or hash byte fails the checksum', () => {
    const good = encodeFramed(CHECKPOINT_MAGIC, value);
    for (const at of [8, 39, 40, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 1;
      const p = file();
      writeFileSync(p, bad);
      const e = caught(() => readFramed(p, CHECKPOINT_MAGIC, 'model'));
      expect(e.code).toBe('io.corrupt');
      expect(e.message).toBe(`${p}: the model fails its checksum (damaged or truncated)`);
      expect(e.hint).toBe('use an intact copy, or rerun');
    }
  });

  it('a truncated file fails the checksum', () => {
    const good = encodeFramed(CHECKPOINT_MAGIC, value);
    const p = file();
    writeFileSync(p, good.subarray(0, good.length - 3));
    expect(caught(() => readFramed(p, CHECKPOINT_MAGIC, 'checkpoint')).message).toMatch(/fails its checksum/);
  });

  it('a payload with the right hash that is not msgpack is refused as undecodable', () => {
    const junk = Buffer.from([0xc1, 0xc1, 0xc1]); // 0xc1 is never used in msgpack
    const p = file();
    writeFileSync(p, Buffer.concat([Buffer.from(CHECKPOINT_MAGIC, 'ascii'), createHash('sha256').update(junk).digest(), junk]));
    const e = caught(() => readFramed(p, CHECKPOINT_MAGIC, 'checkpoint'));
    expect(e.code).toBe('io.corrupt');
    expect(e.message).toMatch(/the checkpoint cannot be decoded/);
    expect(e.hint).toBe('use an intact copy, or rerun');
  });

  it('a missing file is an SnnError naming the path', () => {
    const p = join(dir, 'nope.bin');
    const e = caught(() => readFramed(p, CHECKPOINT_MAGIC, 'checkpoint'));
    expect([e.code, e.message, e.hint]).toEqual(['io.missing', `no such file: ${p}`, 'check the path']);
  });
});
