import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { crc32, crc32Js } from './crc32.js';

describe('crc32', () => {
  it('matches the standard check value for "123456789"', () => {
    const data = Buffer.from('123456789', 'ascii');
    expect(crc32(data)).toBe(0xcbf43926);
    expect(crc32Js(data)).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('the JS fallback equals the native one, also when continued across pieces', () => {
    const rng = RngStream.derive(7, 'test/crc32');
    const data = new Uint8Array(10_000);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
    expect(crc32Js(data)).toBe(crc32(data));
    const a = data.subarray(0, 3333);
    const b = data.subarray(3333);
    expect(crc32Js(b, crc32Js(a))).toBe(crc32(data));
  });
});
