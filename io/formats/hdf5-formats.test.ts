/** NWB and NIRData layouts read back with h5wasm: names, dtypes, attributes, references. */
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { getReferenceTarget, h5Ready } from './hdf5.js';
import { readNirData, writeNirData } from './nirdata.js';
import { NWB_VERSION, readNwb, writeNwb } from './nwb.js';
import { sampleData, tempDir } from './test-fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(() => h5Ready());

type Obj = { attrs: Record<string, { value: unknown; metadata: { type: number; size: number; signed: boolean; vlen: boolean; cset: number } }> };
/**
 * h5py returns a variable-length UTF-8 string as `str`, a fixed-length one as `bytes`: nir.read_data's
 * `attrs["__type__"] == "NIRGraphData"` and hdmf's neurodata_type lookup need `str`, so every string we
 * write must be vlen UTF-8 (cset 1), as h5py/hdmf write them.
 */
const expectVlenUtf8 = (o: unknown, name: string) => {
  const m = (o as Obj).attrs[name]?.metadata;
  expect(m, name).toBeDefined();
  expect([m!.type, m!.vlen, m!.cset], name).toEqual([STRING, true, 1]);
};
const attr = (o: unknown, name: string) => (o as Obj).attrs[name]?.value;
const STRING = 3; // HDF5 class H5T_STRING
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('NWB', () => {
  const path = tmp.path('a.nwb');
  const now = new Date('2026-01-02T03:04:05.678Z');
  let f: InstanceType<typeof h5wasm.File>;
  beforeAll(async () => {
    await writeNwb(sampleData(), path, { now, identifier: 'test-id', sessionDescription: 'unit test' });
    f = new h5wasm.File(path, 'r');
  });
  afterAll(() => f?.close());

  it('root carries NWBFile typing attributes', () => {
    expect(attr(f, 'neurodata_type')).toBe('NWBFile');
    expect(attr(f, 'namespace')).toBe('core');
    expect(attr(f, 'nwb_version')).toBe(NWB_VERSION);
    expect(attr(f, 'object_id')).toMatch(UUID);
  });

  it('required root fields are string datasets (file_create_date a 1-D array)', () => {
    for (const name of ['identifier', 'session_description', 'session_start_time', 'timestamps_reference_time', 'file_create_date']) {
      const d = f.get(name) as InstanceType<typeof h5wasm.Dataset>;
      expect(d, name).toBeInstanceOf(h5wasm.Dataset);
      expect(d.metadata.type, name).toBe(STRING);
    }
    expect((f.get('file_create_date') as InstanceType<typeof h5wasm.Dataset>).shape).toEqual([1]);
    expect((f.get('identifier') as InstanceType<typeof h5wasm.Dataset>).value).toBe('test-id');
    expect((f.get('session_start_time') as InstanceType<typeof h5wasm.Dataset>).value).toBe('2026-01-02T03:04:05.678+00:00');
    for (const g of ['acquisition', 'analysis', 'processing', 'general', 'stimulus/presentation', 'stimulus/templates']) {
      expect(f.get(g), g).toBeInstanceOf(h5wasm.Group);
    }
  });

  it('every string attribute and dataset is variable-length UTF-8 (what hdmf writes and reads as str)', () => {
    for (const a of ['namespace', 'neurodata_type', 'object_id', 'nwb_version']) expectVlenUtf8(f, a);
    for (const a of ['namespace', 'neurodata_type', 'object_id', 'description', 'colnames']) expectVlenUtf8(f.get('units'), a);
    for (const d of ['units/id', 'units/spike_times', 'units/spike_times_index', 'units/population', 'units/neuron']) {
      for (const a of ['namespace', 'neurodata_type', 'object_id']) expectVlenUtf8(f.get(d), a);
    }
    for (const name of ['identifier', 'session_description', 'session_start_time', 'timestamps_reference_time', 'file_create_date', 'units/population']) {
      const m = (f.get(name) as InstanceType<typeof h5wasm.Dataset>).metadata;
      expect([m.type, m.vlen, m.cset], name).toEqual([STRING, true, 1]);
    }
  });

  it('/units is a Units DynamicTable with id, spike_times (float64 s) and a VectorIndex targeting it', () => {
    const units = f.get('units')!;
    expect(attr(units, 'neurodata_type')).toBe('Units');
    expect(attr(units, 'namespace')).toBe('core');
    expect(attr(units, 'object_id')).toMatch(UUID);
    expect(attr(units, 'colnames')).toEqual(['spike_times', 'population', 'neuron']);
    expect(typeof attr(units, 'description')).toBe('string');

    const id = f.get('units/id') as InstanceType<typeof h5wasm.Dataset>;
    expect(id.dtype).toBe('<q');
    expect(attr(id, 'neurodata_type')).toBe('ElementIdentifiers');
    expect(id.shape).toEqual([310]);

    const st = f.get('units/spike_times') as InstanceType<typeof h5wasm.Dataset>;
    expect(st.dtype).toBe('<d');
    expect(attr(st, 'neurodata_type')).toBe('VectorData');
    expect(attr(st, 'namespace')).toBe('hdmf-common');
    expect(attr(st, 'resolution')).toBe(0.1 / 1000);
    // exc: neuron 5 @3 ms, neuron 130 @1.5 and 7.123456 ms, neuron 299 @5.25 ms; inh 0 @2.5, 9 @0.1
    expect([...(st.value as Float64Array)]).toEqual([3, 1.5, 7.123456, 5.25, 2.5, 0.1].map((t) => t / 1000));

    const idx = f.get('units/spike_times_index') as InstanceType<typeof h5wasm.Dataset>;
    expect(idx.metadata.type).toBe(0); // integer
    expect(idx.metadata.signed).toBe(false);
    expect(attr(idx, 'neurodata_type')).toBe('VectorIndex');
    const ends = [...(idx.value as Uint32Array)];
    expect(ends).toHaveLength(310);
    expect([ends[4], ends[5], ends[129], ends[130], ends[298], ends[299], ends[300], ends[308], ends[309]]).toEqual([0, 1, 1, 3, 3, 4, 5, 5, 6]);
    expect(getReferenceTarget(f, idx, 'target')).toBe('/units/spike_times');
  });

  it('reader rejects an HDF5 file that is not NWB with io.format', async () => {
    const other = tmp.path('other.h5');
    await writeNirData(sampleData(), other);
    await expect(readNwb(other)).rejects.toMatchObject({ code: 'io.format' });
  });
});

describe('NIRData', () => {
  const path = tmp.path('a.nirdata.h5');
  let f: InstanceType<typeof h5wasm.File>;
  beforeAll(async () => {
    await writeNirData(sampleData(), path);
    f = new h5wasm.File(path, 'r');
  });
  afterAll(() => f?.close());

  it('root __type__ is NIRGraphData; one node per population with observables/spikes', () => {
    expect(attr(f, '__type__')).toBe('NIRGraphData');
    expect((f.get('nodes') as InstanceType<typeof h5wasm.Group>).keys()).toEqual(['exc', 'inh']);
    expect(attr(f.get('nodes/exc'), '__type__')).toBe('NIRNodeData');
    const obs = f.get('nodes/exc/observables/spikes')!;
    expect(attr(obs, '__type__')).toBe('EventData');
    expect(attr(obs, 'n_neurons')).toBe(300n);
    expect(attr(obs, 't_max')).toBe(0.01);
  });

  it('__type__ attributes are variable-length UTF-8 (nir.read_data compares them with str)', () => {
    for (const o of [f, f.get('nodes/exc'), f.get('nodes/exc/observables/spikes'), f.get('nodes/inh'), f.get('nodes/inh/observables/spikes')]) {
      expectVlenUtf8(o, '__type__');
    }
  });

  it('idx is int64 and time float64 seconds, time-sorted, one sample', () => {
    const idx = f.get('nodes/exc/observables/spikes/idx') as InstanceType<typeof h5wasm.Dataset>;
    const time = f.get('nodes/exc/observables/spikes/time') as InstanceType<typeof h5wasm.Dataset>;
    expect(idx.dtype).toBe('<q');
    expect(time.dtype).toBe('<d');
    expect(idx.shape).toEqual([1, 4]);
    expect([...(idx.value as BigInt64Array)]).toEqual([130n, 5n, 299n, 130n]);
    expect([...(time.value as Float64Array)]).toEqual([1.5, 3, 5.25, 7.123456].map((t) => t / 1000));
  });

  it('reader rejects non-HDF5 bytes and HDF5 without the NIRGraphData type', async () => {
    const { writeFileSync } = await import('node:fs');
    const junk = tmp.path('junk.h5');
    writeFileSync(junk, 'definitely not hdf5');
    await expect(readNirData(junk)).rejects.toBeInstanceOf(SnnError);
    const nwb = tmp.path('x.nwb');
    await writeNwb(sampleData(), nwb);
    await expect(readNirData(nwb)).rejects.toMatchObject({ code: 'io.format' });
  });

  it('refuses population names HDF5 cannot hold', async () => {
    const d = sampleData();
    d.populations[0]!.name = 'a/b';
    await expect(writeNirData(d, tmp.path('bad.h5'))).rejects.toMatchObject({ code: 'usage' });
  });
});
