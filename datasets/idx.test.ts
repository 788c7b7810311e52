import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { encodeIdx, parseIdx, readIdx } from './idx.js';
import { locateDataset } from './locate.js';

const tmp = mkdtempSync(join(tmpdir(), 'snn-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectSnnError(fn: () => unknown, code: string, ...parts: (string | RegExp)[]): SnnError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SnnError);
  const err = caught as SnnError;
  expect(err.code).toBe(code);
  for (const p of parts) expect(err.message).toMatch(p);
  expect(err.hint).toBeTruthy();
  return err;
}

describe('IDX reader', () => {
  it('round-trips a small unsigned-byte file', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const arr = parseIdx(encodeIdx([2, 3, 4], data), 'mem');
    expect(arr.dims).toEqual([2, 3, 4]);
    expect([...arr.data]).toEqual([...data]);
  });

  it('reads gzip and raw copies to identical data', () => {
    const data = Uint8Array.from({ length: 5 * 28 * 28 }, (_, i) => (i * 37) % 256);
    const bytes = encodeIdx([5, 28, 28], data);
    writeFileSync(join(tmp, 'a-idx3-ubyte'), bytes);
    writeFileSync(join(tmp, 'a-idx3-ubyte.gz'), gzipSync(bytes));
    const raw = readIdx(join(tmp, 'a-idx3-ubyte'));
    const gz = readIdx(join(tmp, 'a-idx3-ubyte.gz'));
    expect(gz.dims).toEqual(raw.dims);
    expect(Buffer.from(gz.data).equals(Buffer.from(raw.data))).toBe(true);
  });

  it('reads the real MNIST test labels identically from raw and from a gzip copy', () => {
    const files = locateDataset('mnist', 'test', { env: {} });
    const gzFile = join(tmp, 't10k-labels-idx1-ubyte.gz');
    writeFileSync(gzFile, gzipSync(readFileSync(files.labels)));
    const raw = readIdx(files.labels);
    const gz = readIdx(gzFile);
    expect(gz.dims).toEqual([10000]);
    expect(Buffer.from(gz.data).equals(Buffer.from(raw.data))).toBe(true);
  });

  it('a truncated file names the file and the expected vs found byte counts', () => {
    const files = locateDataset('mnist', 'test', { env: {} });
    const cut = join(tmp, 'cut-t10k-images-idx3-ubyte');
    writeFileSync(cut, readFileSync(files.images).subarray(0, 1_000_016));
    const err = expectSnnError(() => readIdx(cut), 'dataset.corrupt', cut, /truncated/, /expected 7840016 bytes/, /found 1000016/);
    expect(err.oneLine()).toContain(cut);
  });

  it('a truncated gzip file is reported as damaged gzip, naming the file', () => {
    const gz = gzipSync(encodeIdx([100], new Uint8Array(100).fill(3)));
    const f = join(tmp, 'cut-labels.gz');
    writeFileSync(f, gz.subarray(0, gz.length - 12));
    expectSnnError(() => readIdx(f), 'dataset.corrupt', f, /gzip/);
  });

  it('a wrong magic number is rejected, naming the file and the bytes found', () => {
    const f = join(tmp, 'not-idx.bin');
    writeFileSync(f, Buffer.from('PK\x03\x04 this is a zip, not IDX'));
    expectSnnError(() => readIdx(f), 'dataset.corrupt', f, /magic/, /expected 0x00 0x00/, /found 0x50 0x4b/);
  });

  it('a non-ubyte element type is rejected with the type named', () => {
    const bytes = encodeIdx([4], new Uint8Array(4));
    bytes[2] = 0x0d;
    expectSnnError(() => parseIdx(bytes, 'floats.idx'), 'dataset.corrupt', 'floats.idx', /expected 0x08 unsigned byte/, /0x0d float32/);
  });

  it('trailing bytes and short headers are errors too', () => {
    const bytes = encodeIdx([4], new Uint8Array(4));
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expectSnnError(() => parseIdx(longer, 'long.idx'), 'dataset.corrupt', /trailing data/, /expected 12 bytes/, /found 15/);
    expectSnnError(() => parseIdx(bytes.subarray(0, 6), 'short.idx'), 'dataset.corrupt', /truncated header/, /expected 8 bytes/);
    expectSnnError(() => parseIdx(new Uint8Array(2), 'tiny.idx'), 'dataset.corrupt', /expected at least 4 bytes, found 2/);
  });

  it('a missing file is dataset.missing', () => {
    expectSnnError(() => readIdx(join(tmp, 'nope')), 'dataset.missing', /nope: file not found/);
    expectSnnError(() => readIdx(tmp), 'dataset.missing', /cannot read \(EISDIR\)/);
  });
});
