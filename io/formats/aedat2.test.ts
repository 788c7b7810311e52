/** AEDAT 2.0 bytes checked against the layout in docs/formats.md (aedat2), built by hand. */
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { decodeAedat2, encodeAedat2 } from './aedat2.js';
import type { SpikeData } from './spike-data.js';
import { sampleData } from './test-fixtures.js';

const concat = (parts: Uint8Array[]) => Buffer.concat(parts);
const END_LINE = '#End Of ASCII Header\r\n'; // jAER's sentinel, byte for byte (no space after '#')
const headerEnd = (b: Uint8Array) => {
  const at = Buffer.from(b).indexOf(END_LINE);
  if (at < 0) throw new Error('no #End Of ASCII Header line');
  return at + END_LINE.length;
};

describe('AEDAT 2.0 writer', () => {
  const bytes = concat(encodeAedat2(sampleData(), { width: 128 }));
  const text = bytes.toString('latin1');

  it('starts with the #!AER-DAT2.0 CRLF line and CRLF-terminated # comments', () => {
    expect(text.startsWith('#!AER-DAT2.0\r\n')).toBe(true);
    const header = text.slice(0, headerEnd(bytes));
    for (const line of header.split('\r\n').slice(0, -1)) expect(line.startsWith('#')).toBe(true);
    expect(header).not.toMatch(/[^\r]\n/); // every line break is CRLF
  });

  it("ends the header with jAER's exact '#End Of ASCII Header' line, right before the events", () => {
    const end = headerEnd(bytes);
    expect(text.slice(end - END_LINE.length - 2, end)).toBe(`\r\n${END_LINE}`);
    expect(text).not.toContain('# End Of ASCII Header');
    expect(bytes.length - end).toBe(6 * 8);
  });

  it('documents the id → address mapping in a comment line', () => {
    expect(text).toContain('# snn-mapping: layout=dvs128 width=128 polarity=on; x = id % width, y = floor(id / width)');
  });

  it('writes the first two events as big-endian int32 address + int32 µs timestamp', () => {
    // Time-sorted: inh id 9 at 0.1 ms is global id 309 → x = 309 % 128 = 53, y = 2, p = 1 (ON)
    //   address = 2 << 8 | 53 << 1 | 1 = 0x026B; t = 100 µs.
    // Then exc id 130 at 1.5 ms → x = 2, y = 1, p = 1 → address = 0x0105; t = 1500 µs = 0x05DC.
    const ev = bytes.subarray(headerEnd(bytes));
    expect([...ev.subarray(0, 16)]).toEqual([0x00, 0x00, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x05, 0xdc]);
    expect(ev.length).toBe(6 * 8);
  });

  it('sets polarity from the option: off → bit 0 clear, id-parity → id & 1', () => {
    const one: SpikeData = { populations: [{ name: 'p', size: 10, times: Float64Array.of(1, 2), ids: Int32Array.of(3, 4) }], dt: null, durationMs: 2 };
    const off = concat(encodeAedat2(one, { polarity: 'off' }));
    const par = concat(encodeAedat2(one, { polarity: 'id-parity' }));
    const addr = (b: Buffer, i: number) => b.readUInt32BE(headerEnd(b) + 8 * i);
    expect([addr(off, 0), addr(off, 1)]).toEqual([3 << 1, 4 << 1]);
    expect([addr(par, 0), addr(par, 1)]).toEqual([(3 << 1) | 1, 4 << 1]);
  });

  it('packs the DAVIS layout: y bits 22–30, x bits 12–21, polarity bit 11', () => {
    const one: SpikeData = { populations: [{ name: 'p', size: 700, times: Float64Array.of(1), ids: Int32Array.of(2 * 346 + 7) }], dt: null, durationMs: 1 };
    const b = concat(encodeAedat2(one, { width: 346, layout: 'davis' }));
    expect(b.readUInt32BE(headerEnd(b))).toBe(((2 << 22) | (7 << 12) | (1 << 11)) >>> 0);
  });

  it('refuses what the format cannot hold, with SnnError', () => {
    const tall: SpikeData = { populations: [{ name: 'p', size: 128 * 129, times: Float64Array.of(1), ids: Int32Array.of(128 * 128) }], dt: null, durationMs: 1 };
    expect(() => encodeAedat2(tall)).toThrow(SnnError);
    const late: SpikeData = { populations: [{ name: 'p', size: 1, times: Float64Array.of(3e6), ids: Int32Array.of(0) }], dt: null, durationMs: 3e6 };
    expect(() => encodeAedat2(late)).toThrow(/int32 µs clock/);
  });
});

describe('AEDAT 2.0 reader', () => {
  it('reads a foreign jAER-style file (no snn comments) and skips external events', () => {
    const head = Buffer.from('#!AER-DAT2.0\r\n# This is a raw AE data file - do not edit\r\n# Timestamps tick is 1 us\r\n', 'latin1');
    const ev = Buffer.alloc(24);
    ev.writeUInt32BE((5 << 8) | (6 << 1) | 0, 0); // x 6, y 5, OFF
    ev.writeInt32BE(42, 4);
    ev.writeUInt32BE(0x8000, 8); // external event: not a pixel
    ev.writeInt32BE(43, 12);
    ev.writeUInt32BE((0 << 8) | (1 << 1) | 1, 16);
    ev.writeInt32BE(44, 20);
    const f = decodeAedat2(Buffer.concat([head, ev]));
    expect(f.comments[0]).toBe('This is a raw AE data file - do not edit');
    expect([...f.events.x]).toEqual([6, 1]);
    expect([...f.events.y]).toEqual([5, 0]);
    expect([...f.events.p]).toEqual([0, 1]);
    expect([...f.events.tUs]).toEqual([42, 44]);
    expect(f.layout).toBeNull();
  });

  it.each(['#End Of ASCII Header', '# End Of ASCII Header', '# End of ASCII Header'])(
    "stops the header at '%s' even when the first DAVIS address starts with '#'",
    (marker) => {
      const head = Buffer.from(`#!AER-DAT2.0\r\n# AEChip: DAVIS address layout\r\n${marker}\r\n`, 'latin1');
      const ev = Buffer.alloc(8);
      ev.writeUInt32BE(((140 << 22) | (3 << 12) | (1 << 11)) >>> 0, 0); // y = 140: first byte 0x23 = '#'
      ev.writeInt32BE(7, 4);
      expect(ev[0]).toBe(0x23);
      const f = decodeAedat2(Buffer.concat([head, ev]), { layout: 'davis' });
      expect([...f.events.y]).toEqual([140]);
      expect([...f.events.x]).toEqual([3]);
      expect([...f.events.tUs]).toEqual([7]);
    },
  );

  it('rejects a cut event with io.truncated', () => {
    const b = concat(encodeAedat2(sampleData()));
    expect(() => decodeAedat2(b.subarray(0, b.length - 3))).toThrow(expect.objectContaining({ code: 'io.truncated' }));
  });
});
