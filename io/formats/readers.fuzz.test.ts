/**
 * Every reader, fed random bytes or damaged valid files, either returns well-formed SpikeData or throws
 * an SnnError — never another exception, never a hang (vitest's timeout catches hangs).
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { decodeAedat2, encodeAedat2 } from './aedat2.js';
import { aedat4ToSpikeData, decodeAedat4, encodeAedat4 } from './aedat4.js';
import { decodeCsv, encodeCsv } from './csv.js';
import { pixelEventsToSpikeData } from './dvs-address.js';
import { decodeLava, encodeLava } from './lava.js';
import { readNirData, writeNirData } from './nirdata.js';
import { decodeNpyEvents, encodeNpyEvents } from './npy-events.js';
import { readNwb, writeNwb } from './nwb.js';
import { decodeSpikeSourceArray, encodeSpikeSourceArray } from './spike-source-array.js';
import type { SpikeData } from './spike-data.js';
import { sampleData, tempDir } from './test-fixtures.js';

function wellFormed(d: SpikeData): void {
  expect(Array.isArray(d.populations)).toBe(true);
  for (const p of d.populations) {
    expect(p.times).toBeInstanceOf(Float64Array);
    expect(p.ids).toBeInstanceOf(Int32Array);
    expect(p.times.length).toBe(p.ids.length);
    for (let i = 0; i < p.ids.length; i++) expect(p.ids[i]! >= 0 && p.ids[i]! < p.size).toBe(true);
  }
}

/** Runs `read`; passes if it returns well-formed data or throws SnnError. */
function survives(read: () => SpikeData): void {
  let d: SpikeData;
  try {
    d = read();
  } catch (err) {
    if (!(err instanceof SnnError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
    return;
  }
  wellFormed(d);
}

/** Damage: overwrite a few bytes, or cut the file, or both. */
const mutation = (len: number) =>
  fc.record({
    edits: fc.array(fc.tuple(fc.nat({ max: Math.max(0, len - 1) }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    cut: fc.option(fc.nat({ max: len }), { nil: undefined }),
  });

function mutate(valid: Uint8Array, m: { edits: Array<[number, number]>; cut: number | undefined }): Uint8Array {
  const b = Uint8Array.from(valid);
  for (const [i, v] of m.edits) b[i] = v;
  return m.cut === undefined ? b : b.subarray(0, m.cut);
}

const concat = (parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

interface ByteReader {
  name: string;
  magic: Uint8Array;
  valid: Uint8Array;
  read: (b: Uint8Array) => SpikeData;
}

const npyRead = (b: Uint8Array): SpikeData => {
  const ev = decodeNpyEvents(b);
  let size = 0;
  for (const id of ev.ids) size = Math.max(size, id + 1);
  return { populations: [{ name: 'events', size, times: ev.times, ids: ev.ids }], dt: null, durationMs: 0 };
};

const byteReaders: ByteReader[] = [
  { name: 'aedat2', magic: Buffer.from('#!AER-DAT2.0\r\n'), valid: concat(encodeAedat2(sampleData())), read: (b) => { const f = decodeAedat2(b); return pixelEventsToSpikeData(f.events, { ...f, width: f.width ?? 128 }); } },
  { name: 'aedat4', magic: Buffer.from('#!AER-DAT4.0\r\n'), valid: concat(encodeAedat4(sampleData(), { packetSize: 2 })), read: (b) => aedat4ToSpikeData(decodeAedat4(b)) },
  { name: 'aedat4 lz4', magic: Buffer.from('#!AER-DAT4.0\r\n'), valid: concat(encodeAedat4(sampleData(), { compression: 'lz4', packetSize: 3 })), read: (b) => aedat4ToSpikeData(decodeAedat4(b)) },
  { name: 'npy tonic', magic: Buffer.from('\x93NUMPY\x01\x00', 'latin1'), valid: concat(encodeNpyEvents(sampleData())), read: npyRead },
  { name: 'npy plain', magic: Buffer.from('\x93NUMPY\x01\x00', 'latin1'), valid: concat(encodeNpyEvents(sampleData(), { variant: 'plain' })), read: npyRead },
  { name: 'lava', magic: Buffer.from('\x93NUMPY\x01\x00', 'latin1'), valid: concat(encodeLava({ ...sampleData(), durationMs: 3, populations: [{ name: 'a', size: 4, times: Float64Array.of(1, 2), ids: Int32Array.of(0, 3) }] }, { dt: 1 })), read: (b) => decodeLava(b, { dt: 1 }) },
  { name: 'csv', magic: Buffer.from('t_ms,population,neuron\n'), valid: Buffer.from(encodeCsv(sampleData())), read: (b) => decodeCsv(Buffer.from(b).toString('utf8')) },
  {
    name: 'spikesourcearray',
    magic: Buffer.from('[{"population":'),
    valid: Buffer.from(JSON.stringify(encodeSpikeSourceArray(sampleData()))),
    read: (b) => {
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(b).toString('utf8'));
      } catch {
        throw new SnnError('io.corrupt', 'not JSON', 'test');
      }
      return decodeSpikeSourceArray(json);
    },
  },
];

describe.each(byteReaders)('$name reader under damage', ({ magic, valid, read }) => {
  it('reads its own valid file', () => wellFormed(read(valid)));

  it('random bytes (with and without the magic) → SnnError or data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withMagic) => {
        survives(() => read(withMagic ? concat([magic, bytes]) : bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('mutated and truncated valid files → SnnError or data', () => {
    fc.assert(fc.property(mutation(valid.length), (m) => survives(() => read(mutate(valid, m)))), { numRuns: 400 });
  });
});

describe.each([
  { name: 'nirdata', write: (p: string) => writeNirData(sampleData(), p), read: readNirData },
  { name: 'nwb', write: (p: string) => writeNwb(sampleData(), p), read: readNwb },
])('$name reader under damage (HDF5)', ({ name, write, read }) => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('random bytes and damaged files → SnnError or data', async () => {
    const good = tmp.path(`good-${name}`);
    await write(good);
    const { readFileSync } = await import('node:fs');
    const valid = Uint8Array.from(readFileSync(good));
    let k = 0;
    const attempt = async (bytes: Uint8Array) => {
      const p = tmp.path(`${k++}-${name}`);
      writeFileSync(p, bytes);
      try {
        wellFormed(await read(p));
      } catch (err) {
        if (!(err instanceof SnnError)) throw err;
      }
    };
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), attempt), { numRuns: 30 });
    // Damage after the superblock, where the HDF5 library itself has to cope.
    await fc.assert(fc.asyncProperty(mutation(valid.length), (m) => attempt(mutate(valid, m))), { numRuns: 40 });
  });
});
