/**
 * Declared lengths in the spike formats (io/formats): a header that promises more data than the
 * file holds, or records of zero size, must be refused before anything of that size is
 * allocated. io/formats/readers.fuzz.test.ts covers random and damaged files; this adds crafted
 * headers (npy shapes and dtypes, LZ4 frames) and the JSON spike source of `snn export`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spikeDataFromJson } from '../../io/formats/json-spikes-source.js';
import { decodeLava } from '../../io/formats/lava.js';
import { lz4FrameCompress, lz4FrameDecompress } from '../../io/formats/lz4-frame.js';
import { encodeNpyHeader, type NpyDescr } from '../../io/formats/npy.js';
import { decodeNpyEvents } from '../../io/formats/npy-events.js';
import type { SpikeData } from '../../io/formats/spike-data.js';
import { byteMutation, fuzzParams, mutateBytes, survives, u32le } from './fuzz-helpers.js';

const numpyType = fc.oneof(
  fc.constantFrom('<f8', '<f4', '<i8', '<u2', '|u1', '|b1', '?', '<i0', '<f0', '<u0', '<f3', '<i16', '>f8', '|V8', 'O', '<c16', '<f2'),
  fc.tuple(fc.constantFrom('<', '>', '|', '='), fc.constantFrom('i', 'u', 'f', 'b'), fc.nat({ max: 20 })).map(([e, k, n]) => `${e}${k}${n}`),
);
const descr: fc.Arbitrary<NpyDescr> = fc.oneof(
  numpyType,
  fc.array(fc.tuple(fc.constantFrom('x', 'y', 't', 'p', 'q'), numpyType), { minLength: 1, maxLength: 5 }),
);
const hugeDim = fc.oneof(fc.nat({ max: 10 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(2 ** 31, 2 ** 32, 1e9, 1e12));

describe('spike format fuzz: declared lengths', () => {
  it('npy headers (any dtype, any shape) over a little data → events or SnnError, fast', () => {
    fc.assert(
      fc.property(descr, fc.array(hugeDim, { minLength: 0, maxLength: 3 }), fc.boolean(), fc.uint8Array({ maxLength: 96 }), (d, shape, fortran, data) => {
        let header: Uint8Array;
        try {
          header = encodeNpyHeader(d, shape);
        } catch {
          return; // the encoder refuses it: nothing to read
        }
        const text = Buffer.from(header).toString('latin1').replace('False', fortran ? 'True' : 'False');
        const bytes = Buffer.concat([Buffer.from(text, 'latin1'), data]);
        survives(() => decodeNpyEvents(bytes), (ev) => expect(ev.times.length).toBe(ev.ids.length), 300);
        survives(() => decodeLava(bytes, { dt: 1 }), (sd: SpikeData) => expect(sd.populations.length).toBeGreaterThanOrEqual(0), 300);
      }),
      fuzzParams(501, 600),
    );
  });

  it('regression: zero-size dtypes cannot declare 2^40 records in no bytes', () => {
    for (const [d, shape] of [['<i0', [2 ** 40, 2]], [[['x', '<i0'], ['y', '<u0'], ['t', '<f0']], [2 ** 40]], ['<f0', [1e8, 2]]] as const) {
      expect(survives(() => decodeNpyEvents(encodeNpyHeader(d as NpyDescr, [...shape])), undefined, 100)).toBe('error');
    }
  });

  it('npy event arrays with declared sizes far beyond the data → SnnError, fast', () => {
    const eventType = fc.constantFrom('<i0', '<u0', '<f0', '<i8', '<f8', '|u1', '<f3');
    fc.assert(
      fc.property(fc.boolean(), eventType, eventType, eventType, hugeDim, fc.uint8Array({ maxLength: 64 }), (plain, a, b, c, n, data) => {
        const header = plain ? encodeNpyHeader(a, [n, 2]) : encodeNpyHeader([['x', a], ['y', b], ['t', c], ['p', '|u1']], [n]);
        survives(() => decodeNpyEvents(Buffer.concat([header, data])), (ev) => expect(ev.times.length).toBeLessThanOrEqual(64), 300);
      }),
      fuzzParams(506, 400),
    );
  });

  it('LZ4 frames: damaged, and with forged block sizes → bytes or SnnError, fast', () => {
    const valid = lz4FrameCompress(Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 13));
    fc.assert(fc.property(byteMutation(valid.length), (m) => void survives(() => lz4FrameDecompress(mutateBytes(valid, m)), undefined, 300)), fuzzParams(502, 500));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 4 }), fc.uint8Array({ maxLength: 64 }), (flg, bd, words, rest) => {
        const bytes = Buffer.concat([u32le(0x184d2204), Buffer.from([flg, bd, 0]), ...words.map(u32le), rest]);
        survives(() => lz4FrameDecompress(bytes), undefined, 300);
      }),
      fuzzParams(503, 500),
    );
  });

  it('JSON spike sources (snn export input): random JSON and near-valid shapes → data or SnnError', () => {
    const check = (d: SpikeData) => {
      for (const p of d.populations) {
        expect(p.times.length).toBe(p.ids.length);
        for (const id of p.ids) expect(id >= 0 && id < p.size).toBe(true);
      }
    };
    fc.assert(fc.property(fc.jsonValue(), (v) => void survives(() => spikeDataFromJson(v), check)), fuzzParams(504, 300));
    const pair = fc.oneof(fc.tuple(fc.double(), fc.oneof(fc.integer(), fc.double())), fc.jsonValue({ maxDepth: 1 }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), fc.option(fc.oneof(fc.double(), fc.string()), { nil: undefined }), fc.boolean(), (spikes, dt, nested) => {
        const v = nested ? { populations: { a: { spikes }, b: spikes.length ? { spikes: spikes.slice(1) } : null }, dt } : { spikes, dt, duration: dt };
        survives(() => spikeDataFromJson(v), check);
      }),
      fuzzParams(505, 400),
    );
  });
});
