/** npy bytes checked against NumPy's format 1.0 (verified byte-identical to numpy.save for these arrays). */
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { decodeLava, encodeLava } from './lava.js';
import { encodeNpyHeader, parseNpyHeader } from './npy.js';
import { decodeNpyEvents, encodeNpyEvents } from './npy-events.js';
import { sampleData } from './test-fixtures.js';

const file = (parts: Uint8Array[]) => Buffer.concat(parts);

describe('npy header', () => {
  it('tonic: magic, version 1.0, LE header length, dict text, 64-byte alignment, newline', () => {
    const b = file(encodeNpyEvents(sampleData(), { width: 128 }));
    expect([...b.subarray(0, 6)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
    expect([b[6], b[7]]).toEqual([1, 0]);
    const hlen = b.readUInt16LE(8);
    expect((10 + hlen) % 64).toBe(0);
    const header = b.subarray(10, 10 + hlen).toString('latin1');
    const dict = "{'descr': [('x', '<i2'), ('y', '<i2'), ('t', '<i8'), ('p', '|b1')], 'fortran_order': False, 'shape': (6,), }";
    // NumPy ≥ 1.24 leaves 21 − len(str(shape[0])) spaces for in-place growth, then pads to 64 bytes.
    expect(header.startsWith(dict + ' '.repeat(20))).toBe(true);
    expect(header.endsWith('\n')).toBe(true);
    expect(header.slice(dict.length, -1)).toMatch(/^ +$/);
    expect(hlen).toBe(182); // what numpy.save writes for this dtype and a 1-digit length (checked with NumPy 2.4)
  });

  it('tonic records are packed 13 bytes: int16 x, int16 y, int64 t µs, bool p', () => {
    const b = file(encodeNpyEvents(sampleData(), { width: 128 }));
    const d = 10 + b.readUInt16LE(8);
    expect(b.length - d).toBe(6 * 13);
    // first event: global id 309 at 0.1 ms → x 53, y 2, t 100 µs, ON
    expect([...b.subarray(d, d + 13)]).toEqual([53, 0, 2, 0, 100, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('plain: <f8 (N, 2) rows of (t_ms, id)', () => {
    const b = file(encodeNpyEvents(sampleData(), { variant: 'plain' }));
    const hlen = b.readUInt16LE(8);
    expect(b.subarray(10, 10 + hlen).toString('latin1').startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (6, 2), }")).toBe(true);
    expect((10 + hlen) % 64).toBe(0);
    expect([b.readDoubleLE(10 + hlen), b.readDoubleLE(18 + hlen)]).toEqual([0.1, 309]);
  });

  it('an already aligned header still gets 64 pad bytes, like NumPy', () => {
    for (let n = 0; n < 200; n++) {
      const h = encodeNpyHeader('<f8', [n, 2]);
      expect(h.length % 64).toBe(0);
      expect(h[h.length - 1]).toBe(0x0a);
    }
  });

  it('parses other producers: field order x, y, p, t with unsigned types (DVSGesture-like)', () => {
    const head = encodeNpyHeader([['x', '<u2'], ['y', '<u2'], ['p', '<u1'], ['t', '<u8']], [1]);
    const rec = Buffer.alloc(13);
    rec.writeUInt16LE(4, 0);
    rec.writeUInt16LE(2, 2);
    rec.writeUInt8(1, 4);
    rec.writeBigUInt64LE(2500n, 5);
    const ev = decodeNpyEvents(Buffer.concat([head, rec]), { width: 10 });
    expect([...ev.ids]).toEqual([24]);
    expect([...ev.times]).toEqual([2.5]);
    const h = parseNpyHeader(Buffer.concat([head, rec]));
    expect(h.shape).toEqual([1]);
  });

  it('parses Fortran-order plain arrays', () => {
    const text = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }";
    const pad = 64 - ((10 + text.length + 1) % 64);
    const head = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), Buffer.alloc(2), Buffer.from(text + ' '.repeat(pad) + '\n', 'latin1')]);
    head.writeUInt16LE(head.length - 10, 8);
    const body = Buffer.alloc(32);
    [1.5, 2.5, 7, 8].forEach((v, i) => body.writeDoubleLE(v, i * 8)); // column-major: times then ids
    const ev = decodeNpyEvents(Buffer.concat([head, body]));
    expect([...ev.times]).toEqual([1.5, 2.5]);
    expect([...ev.ids]).toEqual([7, 8]);
  });
});

describe('Lava RingBuffer npy', () => {
  it('is float32 (neurons, T) with time last and 1.0 at (neuron, step)', () => {
    const b = file(encodeLava(sampleData(), { dt: 1 }));
    const h = parseNpyHeader(b);
    expect(h.descr).toBe('<f4');
    expect(h.shape).toEqual([310, 10]);
    const at = (n: number, k: number) => b.readFloatLE(h.dataOffset + 4 * (n * 10 + k));
    expect(at(130, 1)).toBe(1); // exc 130 at 1.5 ms → step 1
    expect(at(130, 7)).toBe(1); // and at 7.123 ms → step 7
    expect(at(309, 0)).toBe(1); // inh 9 at 0.1 ms → global 309, step 0
    let ones = 0;
    for (let i = 0; i < 3100; i++) ones += b.readFloatLE(h.dataOffset + 4 * i);
    expect(ones).toBe(6);
  });

  it('needs a dt: SnnError naming --dt when the data has none', () => {
    const d = { ...sampleData(), dt: null };
    expect(() => encodeLava(d)).toThrow(SnnError);
    expect(() => encodeLava(d)).toThrow(expect.objectContaining({ hint: expect.stringContaining('--dt') }));
    expect(() => decodeLava(file(encodeLava(d, { dt: 1 })))).toThrow(expect.objectContaining({ code: 'usage' }));
  });
});
