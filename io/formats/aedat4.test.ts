/** AEDAT 4.0 bytes checked against the layout in docs/formats.md (aedat4), built by hand. */
import { Builder } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { aedat4ToSpikeData, decodeAedat4, encodeAedat4 } from './aedat4.js';
import { buildEventPacket, Compression, parseIoHeader } from './aedat4-flatbuffers.js';
import { parseInfoNode } from './aedat4-info.js';
import { lz4FrameDecompress } from './lz4-frame.js';
import { canonical, sampleData } from './test-fixtures.js';

const file = (opts = {}) => Buffer.concat(encodeAedat4(sampleData(), opts));

describe('AEDAT 4.0 writer', () => {
  const b = file();
  const hlen = b.readInt32LE(14);
  const packet = 18 + hlen;

  it('starts with the magic line, an int32 LE IOHeader length and the IOHE identifier', () => {
    expect(b.subarray(0, 14).toString('latin1')).toBe('#!AER-DAT4.0\r\n');
    expect(hlen).toBeGreaterThan(8);
    expect(b.subarray(22, 26).toString('latin1')).toBe('IOHE'); // after the flatbuffer's root offset
  });

  it('IOHeader: compression NONE, dataTablePosition −1, infoNode naming one EVTS stream "events"', () => {
    const h = parseIoHeader(b.subarray(18, 18 + hlen));
    expect(h.compression).toBe(Compression.None);
    expect(h.dataTablePosition).toBe(-1);
    const streams = parseInfoNode(h.infoNode);
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ id: 0, typeIdentifier: 'EVTS', name: 'events' });
    expect(streams[0]!.info.get('sizeX')).toBe('128');
    expect(streams[0]!.info.get('sizeY')).toBe('3'); // ceil(310 / 128)
    expect(h.infoNode).toMatch(/^<dv version="2.0">/);
  });

  it('IOHeader table, decoded by hand: fields 0/1/2 = int32 compression, int64 dataTablePosition, infoNode, all present', () => {
    // ioheader.fbs (neuromorphicsystems/aedat, dv-processing): compression: int32 enum = NONE (id 0),
    // dataTablePosition / file_data_position: int64 = -1 (id 1), infoNode / description: string (id 2).
    // dv-processing writes it with ForceDefaults + FinishSizePrefixed: every field stored, and the whole
    // size-prefixed buffer (from byte 14) aligned, so the int64 sits 8-aligned counted from the prefix.
    const fb = b.subarray(18, 18 + hlen);
    const table = fb.readUInt32LE(0);
    const vtable = table - fb.readInt32LE(table);
    expect(fb.readUInt16LE(vtable)).toBe(4 + 2 * 3);
    const at = (slot: number) => table + fb.readUInt16LE(vtable + 4 + 2 * slot);
    expect([0, 1, 2].map((k) => fb.readUInt16LE(vtable + 4 + 2 * k) > 0)).toEqual([true, true, true]);
    expect(fb.readInt32LE(at(0))).toBe(0);
    expect(fb.readBigInt64LE(at(1))).toBe(-1n);
    expect((4 + at(1)) % 8).toBe(0);
    const str = at(2) + fb.readUInt32LE(at(2));
    // roxmltree's document.root().first_child() must be the <dv> element: nothing may precede it.
    expect(fb.subarray(str + 4, str + 4 + fb.readUInt32LE(str)).toString('utf8')).toMatch(/^<dv version="2\.0">\n {4}<node name="outInfo"/);
  });

  it('packet header is int32 streamId + int32 size; the body is a size-prefixed EVTS flatbuffer', () => {
    expect(b.readInt32LE(packet)).toBe(0);
    const size = b.readInt32LE(packet + 4);
    expect(packet + 8 + size).toBe(b.length); // 6 events: one packet
    const body = b.subarray(packet + 8);
    expect(body.readUInt32LE(0)).toBe(size - 4);
    expect(body.subarray(8, 12).toString('latin1')).toBe('EVTS');
  });

  it('elements are 16-byte structs {int64 t µs, int16 x, int16 y, bool on, 3 bytes padding}, 8-byte aligned', () => {
    const body = b.subarray(packet + 8);
    const expected = Buffer.from([
      100, 0, 0, 0, 0, 0, 0, 0, 53, 0, 2, 0, 1, 0, 0, 0, // global id 309 at 0.1 ms → (53, 2), ON
      0xdc, 0x05, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 0, // global id 130 at 1.5 ms → (2, 1), ON
    ]);
    const at = body.indexOf(expected);
    expect(at).toBeGreaterThan(0);
    expect(body.readUInt32LE(at - 4)).toBe(6); // vector length precedes the elements
    // The size-prefixed buffer is aligned as a whole (flatbuffers builds back to front), so int64 t
    // sits on an 8-byte boundary counted from the start of the packet body.
    expect(at % 8).toBe(0);
  });

  it('LZ4: header says LZ4, bodies are LZ4 frames that inflate to the uncompressed packet', () => {
    const z = file({ compression: 'lz4' });
    const zl = z.readInt32LE(14);
    expect(parseIoHeader(z.subarray(18, 18 + zl)).compression).toBe(Compression.Lz4);
    const size = z.readInt32LE(18 + zl + 4);
    const body = z.subarray(18 + zl + 8, 18 + zl + 8 + size);
    expect([...body.subarray(0, 4)]).toEqual([0x04, 0x22, 0x4d, 0x18]);
    expect(Buffer.from(lz4FrameDecompress(body))).toEqual(b.subarray(packet + 8));
  });
});

describe('AEDAT 4.0 reader', () => {
  /** A file as another producer might write it: defaults omitted, a second (IMU) stream to skip. */
  function foreignFile(compression: number): Buffer {
    const xml =
      '<dv version="2.0"><node name="outInfo" path="/o/">' +
      '<node name="0" path="/o/0/"><attr key="typeIdentifier" type="string">EVTS</attr>' +
      '<node name="info" path="/o/0/info/"><attr key="sizeX" type="int">32</attr><attr key="sizeY" type="int">32</attr></node></node>' +
      '<node name="1" path="/o/1/"><attr key="typeIdentifier" type="string">IMUS</attr></node>' +
      '</node></dv>';
    const fb = new Builder(256);
    const s = fb.createString(xml);
    fb.startObject(3);
    fb.addFieldInt32(0, compression, 0);
    fb.addFieldOffset(2, s, 0);
    fb.finishSizePrefixed(fb.endObject(), 'IOHE');
    const header = Buffer.from(fb.asUint8Array());
    const events = Buffer.from(buildEventPacket(Float64Array.of(1000, 2500), Uint16Array.of(3, 31), Uint16Array.of(1, 0), Uint8Array.of(1, 0), 0, 2));
    const ph = (id: number, size: number) => {
      const h = Buffer.alloc(8);
      h.writeInt32LE(id, 0);
      h.writeInt32LE(size, 4);
      return h;
    };
    const junk = Buffer.from('not an event packet');
    return Buffer.concat([Buffer.from('#!AER-DAT4.0\r\n'), header, ph(1, junk.length), junk, ph(0, events.length), events]);
  }

  it('reads an uncompressed file from another producer, skipping non-event streams', () => {
    const f = decodeAedat4(foreignFile(0));
    expect(f.width).toBe(32);
    const d = aedat4ToSpikeData(f);
    expect(canonical(d)).toEqual([{ name: 'events', size: 36, spikes: [[1, 1 * 32 + 3], [2.5, 31]] }]);
  });

  it('refuses ZSTD with a clear io.format error', () => {
    expect(() => decodeAedat4(foreignFile(3))).toThrow(expect.objectContaining({ code: 'io.format', message: expect.stringContaining('ZSTD') }));
  });

  it('reports a cut packet as io.truncated', () => {
    const b = file();
    expect(() => decodeAedat4(b.subarray(0, b.length - 5))).toThrow(expect.objectContaining({ code: 'io.truncated' }));
  });
});
