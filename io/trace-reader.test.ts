/**
 * Round trips and damage handling of the native trace format: lossless for 10⁶ spikes, clear
 * io.truncated / io.corrupt errors naming the chunk, and allowPartial returning exactly the
 * intact prefix.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import type { TraceChunk, TraceHeaderInput } from './trace-format.js';
import { readTrace, TraceReader, type TraceData } from './trace-reader.js';
import { TraceWriter } from './trace-writer.js';
import { refusal as snnError } from '../test/helpers/refusal.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snn-trace-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tmp = (name = 'trace') => path.join(dir, `${name}-${fileNo++}.snntrace`);

const header = (sizes: number[]): TraceHeaderInput => ({
  dt: 0.1,
  mode: 'clock',
  populations: sizes.map((size, k) => ({ name: `pop${k}`, size })),
  seed: 42,
  descriptionHash: 'ab'.repeat(32),
  snnVersion: '0.1.0',
  meta: { purpose: 'test' },
});

/** n spikes with arbitrary float64 times (cumulative exponential gaps) and random ids. */
function randomSpikes(rng: RngStream, n: number, size: number): { times: Float64Array; ids: Int32Array } {
  const times = new Float64Array(n);
  const ids = new Int32Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += rng.exponential(50);
    times[i] = t;
    ids[i] = rng.int(size);
  }
  return { times, ids };
}

/** Writes the spike sets interleaved across populations in random-sized batches, like a simulation. */
function writeTrace(file: string, sizes: number[], data: { times: Float64Array; ids: Int32Array }[], chunkSpikes: number, rng: RngStream): void {
  const w = TraceWriter.open(file, header(sizes), { chunkSpikes });
  const pos = data.map(() => 0);
  while (pos.some((p, k) => p < data[k]!.ids.length)) {
    for (let k = 0; k < data.length; k++) {
      const n = Math.min(1 + rng.int(2 * chunkSpikes), data[k]!.ids.length - pos[k]!);
      if (n <= 0) continue;
      w.writeSpikes(k, data[k]!.times.subarray(pos[k]!, pos[k]! + n), data[k]!.ids.subarray(pos[k]!, pos[k]! + n));
      pos[k]! += n;
    }
  }
  w.close({ tStop: 1000 });
}

/** Byte offsets of every record (header, chunks, end record) and of the end of file. */
function recordStarts(buf: Buffer): number[] {
  const out: number[] = [];
  let p = 12;
  while (p < buf.length) {
    out.push(p);
    p += 8 + buf.readUInt32LE(p);
  }
  out.push(p);
  return out;
}

function allChunks(file: string): TraceChunk[] {
  const r = TraceReader.open(file);
  try {
    return [...r.chunks()];
  } finally {
    r.close();
  }
}

/** Per-population concatenation of the first k chunks (what allowPartial must return). */
function prefixOf(chunks: TraceChunk[], k: number, npop: number): { times: number[]; ids: number[] }[] {
  const out = Array.from({ length: npop }, () => ({ times: [] as number[], ids: [] as number[] }));
  for (const c of chunks.slice(0, k)) {
    if (c.kind !== 'spikes') continue;
    out[c.pop]!.times.push(...c.times);
    out[c.pop]!.ids.push(...c.ids);
  }
  return out;
}

const plain = (d: TraceData) => d.populations.map((p) => ({ times: [...p.times], ids: [...p.ids] }));

describe('trace round trip', () => {
  it('is lossless for 10⁶ random spikes across 3 populations (bit-identical)', () => {
    const rng = RngStream.derive(1, 'test/trace/roundtrip');
    const sizes = [1000, 400, 50];
    const data = [randomSpikes(rng, 500_000, 1000), randomSpikes(rng, 300_000, 400), randomSpikes(rng, 200_000, 50)];
    const file = tmp();
    writeTrace(file, sizes, data, 65536, rng);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    const back = readTrace(file);
    expect(back.complete).toBe(true);
    expect(back.stopped).toBeNull();
    expect(back.end?.spikes).toEqual([500_000, 300_000, 200_000]);
    expect(back.end?.tStop).toBe(1000);
    expect(back.header.populations).toEqual(sizes.map((size, k) => ({ name: `pop${k}`, size })));
    expect(back.header.meta).toEqual({ purpose: 'test' });
    expect(back.header.descriptionHash).toBe('ab'.repeat(32));
    for (let k = 0; k < 3; k++) {
      const p = back.populations[k]!;
      expect(p.times).toBeInstanceOf(Float64Array);
      expect(p.ids).toBeInstanceOf(Int32Array);
      // Compare the bytes, so -0/NaN-payload differences could not hide.
      expect(Buffer.from(p.times.buffer, p.times.byteOffset, p.times.byteLength).equals(Buffer.from(data[k]!.times.buffer))).toBe(true);
      expect(Buffer.from(p.ids.buffer, p.ids.byteOffset, p.ids.byteLength).equals(Buffer.from(data[k]!.ids.buffer))).toBe(true);
    }
  });

  it('keeps state chunks (Float32 and Float64 values) and streams them with the spikes', () => {
    const file = tmp();
    const w = TraceWriter.open(file, header([10]), { chunkSpikes: 4, chunkValues: 6 });
    const neurons = new Int32Array([2, 5, 7]);
    for (let step = 0; step < 5; step++) {
      w.writeState(0, 'v', neurons, new Float64Array([step]), new Float32Array([step, step + 0.5, -step]));
      w.writeState(0, 'ge', neurons, new Float64Array([step]), new Float64Array([step * 1e-3, 0, 1]));
      w.writeSpikes(0, new Float64Array([step, step]), new Int32Array([1, 3]));
    }
    w.close();
    const d = readTrace(file);
    expect(d.complete).toBe(true);
    expect(d.states.map((s) => s.variable).sort()).toEqual(['ge', 'v']);
    const v = d.states.find((s) => s.variable === 'v')!;
    expect(v.values).toBeInstanceOf(Float32Array);
    expect([...v.times]).toEqual([0, 1, 2, 3, 4]);
    expect([...v.neurons]).toEqual([2, 5, 7]);
    expect([...v.values.subarray(6, 9)]).toEqual([2, 2.5, -2]);
    const ge = d.states.find((s) => s.variable === 'ge')!;
    expect(ge.values).toBeInstanceOf(Float64Array);
    expect(ge.values[3]).toBe(1e-3);
    expect(d.populations[0]!.ids.length).toBe(10);
  });

  it('streams chunks with for await as well', async () => {
    const file = tmp();
    writeTrace(file, [9], [randomSpikes(RngStream.derive(6, 'a'), 100, 9)], 16, RngStream.derive(6, 'b'));
    const r = TraceReader.open(file);
    let n = 0;
    for await (const c of r.chunks()) if (c.kind === 'spikes') n += c.ids.length;
    r.close();
    expect(n).toBe(100);
    expect(r.status).toMatchObject({ complete: true, chunks: 7 });
  });

  it('reads a file that simply stops after a chunk (killed run) as complete: false', () => {
    const file = tmp();
    const w = TraceWriter.open(file, header([5]), { chunkSpikes: 2 });
    w.writeSpikes(0, new Float64Array([1, 2, 3]), new Int32Array([0, 1, 2])); // one chunk + 1 buffered
    w.abort();
    const d = readTrace(`${file}.partial`);
    expect(d.complete).toBe(false);
    expect(d.stopped).toBeNull();
    expect(d.chunks).toBe(1);
    expect([...d.populations[0]!.ids]).toEqual([0, 1]);
  });

  it('reports bad magic, unknown versions and missing files clearly', () => {
    const junk = tmp('junk');
    fs.writeFileSync(junk, 'hello world, not a trace at all');
    let e = snnError(() => TraceReader.open(junk));
    expect(e.code).toBe('io.format');
    expect(e.message).toBe(`${junk} is not an snn trace (bad magic)`);
    const file = tmp();
    writeTrace(file, [3], [randomSpikes(RngStream.derive(2, 'v'), 10, 3)], 4, RngStream.derive(2, 'b'));
    const buf = fs.readFileSync(file);
    buf.writeUInt32LE(99, 8);
    fs.writeFileSync(file, buf);
    e = snnError(() => TraceReader.open(file));
    expect(e.code).toBe('io.format');
    expect(e.message).toContain('version 99');
    e = snnError(() => TraceReader.open(path.join(dir, 'missing.snntrace')));
    expect(e.code).toBe('io.missing');
  });
});

describe('damaged traces', () => {
  const rng = RngStream.derive(3, 'test/trace/damage');
  const sizes = [30, 20, 10];
  const file = tmp('damage');
  writeTrace(file, sizes, [randomSpikes(rng, 5000, 30), randomSpikes(rng, 3000, 20), randomSpikes(rng, 2000, 10)], 250, rng);
  const good = fs.readFileSync(file);
  const starts = recordStarts(good); // [header, chunk 0, ..., chunk n-1, end record, EOF]
  const nChunks = starts.length - 3;
  const chunks = allChunks(file);

  /** The record containing byte `cut - 1`... i.e. the record a cut at `cut` tears (-1: header). */
  const tornRecord = (cut: number) => starts.findIndex((s, i) => i + 1 < starts.length && cut > s && cut < starts[i + 1]!) - 1;

  it('has enough chunks for the tests to mean something', () => {
    expect(nChunks).toBeGreaterThan(30);
    expect(chunks.length).toBe(nChunks);
  });

  it('a cut at a random byte gives io.truncated naming the chunk; allowPartial returns exactly the complete chunks', () => {
    const cutRng = RngStream.derive(4, 'test/trace/cuts');
    const cuts = [0, 5, 10, 12, 20, starts[1]! + 3, starts[1]! + 8, starts[nChunks + 1]! + 2, good.length - 1];
    for (let i = 0; i < 40; i++) cuts.push(1 + cutRng.int(good.length - 1));
    let torn = 0;
    for (const cut of cuts) {
      const f = tmp('cut');
      fs.writeFileSync(f, good.subarray(0, cut));
      const k = tornRecord(cut);
      if (cut < starts[1]!) {
        // Inside the preamble or the header: nothing is usable, even with allowPartial.
        const e = snnError(() => readTrace(f, { allowPartial: true }));
        expect(e.code, `cut ${cut}`).toBe('io.truncated');
        continue;
      }
      if (k < 0) continue; // exactly at a record boundary: tested below
      const e = snnError(() => readTrace(f));
      expect(e.code).toBe('io.truncated');
      expect(e.message).toBe(`trace ${f} is truncated in chunk ${k} (at byte ${starts[k + 1]})`);
      if (k > 0) expect(e.hint).toContain(`chunks 0–${k - 1} are intact`);
      const d = readTrace(f, { allowPartial: true });
      expect(d.complete).toBe(false);
      expect(d.chunks).toBe(k);
      expect(d.stopped).toMatchObject({ code: 'io.truncated', chunk: k, offset: starts[k + 1] });
      expect(plain(d)).toEqual(prefixOf(chunks, k, sizes.length));
      torn += 1;
    }
    expect(torn).toBeGreaterThan(35);
  });

  it('a cut exactly between records reads without error as an incomplete prefix', () => {
    for (const k of [0, 1, 17, nChunks]) {
      const f = tmp('boundary');
      fs.writeFileSync(f, good.subarray(0, starts[k + 1]));
      const d = readTrace(f);
      expect(d).toMatchObject({ complete: false, chunks: k, stopped: null });
      expect(plain(d)).toEqual(prefixOf(chunks, k, sizes.length));
    }
  });

  it('a flipped byte inside chunk 17 gives io.corrupt naming chunk 17', () => {
    const bad = Buffer.from(good);
    const at = starts[18]! + 8 + 40; // inside chunk 17's payload
    bad[at] = bad[at]! ^ 0x10;
    const f = tmp('flip');
    fs.writeFileSync(f, bad);
    const e = snnError(() => readTrace(f));
    expect(e.code).toBe('io.corrupt');
    expect(e.message).toBe(`trace ${f} is corrupt: chunk 17 fails its checksum (at byte ${starts[18]})`);
    expect(e.hint).toContain('chunks 0–16 are intact');
    const d = readTrace(f, { allowPartial: true });
    expect(d).toMatchObject({ complete: false, chunks: 17, stopped: { code: 'io.corrupt', chunk: 17 } });
    expect(plain(d)).toEqual(prefixOf(chunks, 17, sizes.length));
  });

  it('a flipped byte in the header or the end record is caught too', () => {
    const h = Buffer.from(good);
    h[starts[0]! + 20] ^= 1;
    const fh = tmp('flip-header');
    fs.writeFileSync(fh, h);
    expect(snnError(() => readTrace(fh, { allowPartial: true })).code).toBe('io.corrupt');
    const t = Buffer.from(good);
    t[good.length - 3] ^= 0x80;
    const ft = tmp('flip-end');
    fs.writeFileSync(ft, t);
    expect(snnError(() => readTrace(ft)).message).toContain(`chunk ${nChunks} fails its checksum`);
    const d = readTrace(ft, { allowPartial: true });
    expect(d).toMatchObject({ complete: false, chunks: nChunks });
    expect(plain(d)).toEqual(prefixOf(chunks, nChunks, sizes.length));
  });

  it('rejects data after the end record', () => {
    const f = tmp('trailing');
    fs.writeFileSync(f, Buffer.concat([good, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])]));
    const e = snnError(() => readTrace(f));
    expect(e.code).toBe('io.corrupt');
    expect(e.message).toContain('its end record is malformed: 8 bytes follow the end record');
  });
});

describe('properties', () => {
  const spikeSet = fc.array(fc.tuple(fc.double({ min: 0, max: 5, noNaN: true }), fc.nat()), { maxLength: 300 });

  it('random spike sets round-trip exactly, whatever the chunk size and batching', () => {
    fc.assert(
      fc.property(fc.array(spikeSet, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 1000 }), (pops, chunkSpikes, seed) => {
        const sizes = pops.map((_, k) => 1 + 7 * k);
        const data = pops.map((pairs, k) => {
          let t = -3;
          const times = new Float64Array(pairs.length);
          const ids = new Int32Array(pairs.length);
          pairs.forEach(([gap, id], i) => {
            t += gap;
            times[i] = t;
            ids[i] = id % sizes[k]!;
          });
          return { times, ids };
        });
        const f = tmp('prop');
        writeTrace(f, sizes, data, chunkSpikes, RngStream.derive(seed, 'test/batches'));
        const back = readTrace(f);
        fs.rmSync(f);
        expect(back.complete).toBe(true);
        back.populations.forEach((p, k) => {
          expect(p.times).toEqual(data[k]!.times);
          expect(p.ids).toEqual(data[k]!.ids);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('random byte mutations give the clear SnnError or the correct result, never anything else', () => {
    const rng = RngStream.derive(5, 'test/trace/mutate');
    const sizes = [8, 3];
    const f0 = tmp('mut-src');
    const w = TraceWriter.open(f0, header(sizes), { chunkSpikes: 16, chunkValues: 8 });
    const a = randomSpikes(rng, 100, 8);
    const b = randomSpikes(rng, 40, 3);
    w.writeSpikes(0, a.times, a.ids);
    w.writeState(1, 'v', new Int32Array([0, 2]), new Float64Array([1, 2, 3]), new Float32Array([1, 2, 3, 4, 5, 6]));
    w.writeSpikes(1, b.times, b.ids);
    w.close();
    const good = fs.readFileSync(f0);
    const expected = plain(readTrace(f0));
    const f = tmp('mut');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat({ max: good.length }), { nil: undefined }),
        (mutations, cut) => {
          const bad = Buffer.from(good);
          for (const [at, v] of mutations) bad[at] = v;
          fs.writeFileSync(f, cut === undefined ? bad : bad.subarray(0, cut));
          for (const allowPartial of [false, true]) {
            let d: TraceData;
            try {
              d = readTrace(f, { allowPartial });
            } catch (e) {
              expect(e).toBeInstanceOf(SnnError);
              expect(['io.format', 'io.truncated', 'io.corrupt']).toContain((e as SnnError).code);
              continue;
            }
            if (d.complete) expect(plain(d)).toEqual(expected);
            else {
              // An incomplete read is always a prefix of the real data.
              plain(d).forEach((p, k) => {
                expect(p.ids).toEqual(expected[k]!.ids.slice(0, p.ids.length));
                expect(p.times).toEqual(expected[k]!.times.slice(0, p.times.length));
              });
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
