/**
 * NIRData files as other tools write them: the reader takes (1, n) and 1-D idx/time, skips nodes
 * without spike events, takes the duration from the largest t_max, sorts nothing it need not; each
 * damage is refused with its message. The writer sorts by time and names what HDF5 cannot hold.
 */
import { join } from 'node:path';
import h5wasm, { type File as H5File, type Group as H5Group } from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { h5Ready, setNumberAttr, setStringAttr, writeArray, writeInt64 } from './hdf5.js';
import { checkGroupName, nirDataFormat, NIRDATA_ROOT_TYPE, readNirData, writeNirData } from './nirdata.js';
import { tempDir } from './test-fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(async () => {
  await h5Ready();
});

interface RawPop {
  name: string;
  idx?: number[];
  time?: number[];
  shape?: number[];
  nNeurons?: number | null;
  tMax?: number;
}

let files = 0;
/** A NIRData file written by hand: one node per entry, spikes only where idx is given. */
async function raw(pops: RawPop[], rootType = NIRDATA_ROOT_TYPE): Promise<string> {
  await h5Ready();
  const path = join(tmp.dir, `raw${files++}.h5`);
  const f: H5File = new h5wasm.File(path, 'w');
  try {
    setStringAttr(f, '__type__', rootType);
    const nodes = f.create_group('nodes') as H5Group;
    for (const p of pops) {
      const node = nodes.create_group(p.name) as H5Group;
      if (p.idx === undefined) continue;
      const obs = (node.create_group('observables') as H5Group).create_group('spikes') as H5Group;
      if (p.nNeurons !== null) setNumberAttr(obs, 'n_neurons', p.nNeurons ?? 10, Number.isInteger(p.nNeurons ?? 10) ? 'int64' : 'float64');
      if (p.tMax !== undefined) setNumberAttr(obs, 't_max', p.tMax);
      writeInt64(obs, 'idx', p.idx, p.shape ?? [1, p.idx.length]);
      const time = p.time ?? p.idx.map(() => 0.001);
      writeArray(obs, 'time', Float64Array.from(time), '<d', p.shape ? [time.length] : [1, time.length]);
    }
  } finally {
    f.close();
  }
  return path;
}

async function refusal(p: Promise<unknown>): Promise<SnnError> {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(SnnError);
  return e as SnnError;
}

describe('readNirData', () => {
  it('reads (1, n) and 1-D events, ms from seconds, and skips nodes without spike events', async () => {
    const path = await raw([
      { name: 'a', idx: [3, 0, 9], time: [0.002, 0.0015, 0.1], nNeurons: 10, tMax: 0.05 },
      { name: 'grid' },
      { name: 'b', idx: [1, 0], time: [0.25, 0.125], shape: [2], nNeurons: 2, tMax: 0.3 },
    ]);
    const d = await readNirData(path);
    expect(d.dt).toBeNull();
    expect(d.populations.map((p) => [p.name, p.size, Array.from(p.ids), Array.from(p.times)])).toEqual([
      ['a', 10, [3, 0, 9], [2, 1.5, 100]],
      ['b', 2, [1, 0], [250, 125]],
    ]);
    // the largest t_max over the nodes, in ms
    expect(d.durationMs).toBe(300);
  });

  it('takes the duration from the largest finite t_max; none gives 0', async () => {
    const dur = async (tMaxes: Array<number | undefined>) =>
      (await readNirData(await raw(tMaxes.map((tMax, k) => ({ name: `p${k}`, idx: [0], tMax }))))).durationMs;
    expect(await dur([0.2, 0.05])).toBe(200);
    expect(await dur([0.05, 0.2])).toBe(200);
    expect(await dur([undefined])).toBe(0);
    expect(await dur([Infinity, 0.01])).toBe(10);
    expect(await dur([])).toBe(0);
  });

  it('accepts n_neurons from 0 to 2^31 − 1 and the largest index n − 1', async () => {
    const d = await readNirData(await raw([{ name: 'e', idx: [], nNeurons: 0 }, { name: 'f', idx: [0, 4], nNeurons: 5 }, { name: 'g', idx: [7], nNeurons: 0x7fffffff }]));
    expect(d.populations.map((p) => [p.size, Array.from(p.ids)])).toEqual([[0, []], [5, [0, 4]], [0x7fffffff, [7]]]);
  });

  it('refuses each damage with its message', async () => {
    const where = 'nodes/p/observables/spikes';
    const check = async (pop: Omit<RawPop, 'name'>, code: string, message: string, hint: string) => {
      const e = await refusal(readNirData(await raw([{ name: 'p', ...pop }])));
      expect([e.code, e.message, e.hint]).toEqual([code, message, hint]);
    };
    await check({ idx: [0, 1], time: [0.001, 0.002], shape: [2, 1] }, 'io.format', `${where}/idx has shape (2, 1); only one sample is supported`, 'export one sample per file');
    await check({ idx: [0, 1], time: [0.001], shape: [1, 2, 1] }, 'io.format', `${where}/idx has shape (1, 2, 1); only one sample is supported`, 'export one sample per file');
    await check({ idx: [0, 1], time: [0.001] }, 'io.corrupt', `${where}: idx and time differ in length`, 'the file is damaged');
    for (const n of [null, -1, 1.5, 2 ** 31]) await check({ idx: [0], nNeurons: n }, 'io.corrupt', `${where} has no valid n_neurons attribute`, 'the file is damaged');
    await check({ idx: [0, 3], nNeurons: 3 }, 'io.corrupt', `${where}: idx 3 outside [0, 3)`, 'the file is damaged');
    await check({ idx: [-1], nNeurons: 3 }, 'io.corrupt', `${where}: idx -1 outside [0, 3)`, 'the file is damaged');
    await check({ idx: [0], time: [NaN] }, 'io.corrupt', `${where}: time NaN is not finite`, 'the file is damaged');
    await check({ idx: [0], time: [Infinity] }, 'io.corrupt', `${where}: time Infinity is not finite`, 'the file is damaged');
    const { writeFileSync } = await import('node:fs');
    const junk = join(tmp.dir, 'junk.h5');
    writeFileSync(junk, 'not hdf5');
    const j = await refusal(readNirData(junk));
    expect([j.code, j.message, j.hint]).toEqual(['io.format', `${junk} is not an HDF5 file`, 'expected NIRData; check --format or the file']);
    const type = await refusal(readNirData(await raw([], 'NIRGraph')));
    expect([type.code, type.message, type.hint]).toEqual(['io.format', `root __type__ is "NIRGraph", not 'NIRGraphData'`, 'expected a NIRData file (nir.write_data)']);
  });

  it('refuses a fractional index', async () => {
    await h5Ready();
    const path = join(tmp.dir, 'frac.h5');
    const f: H5File = new h5wasm.File(path, 'w');
    try {
      setStringAttr(f, '__type__', NIRDATA_ROOT_TYPE);
      const obs = ((f.create_group('nodes') as H5Group).create_group('p') as H5Group).create_group('observables').create_group('spikes') as H5Group;
      setNumberAttr(obs, 'n_neurons', 4, 'int64');
      writeArray(obs, 'idx', Float64Array.of(1.5), '<d', [1, 1]);
      writeArray(obs, 'time', Float64Array.of(0.001), '<d', [1, 1]);
    } finally {
      f.close();
    }
    expect((await refusal(readNirData(path))).message).toBe('nodes/p/observables/spikes: idx 1.5 outside [0, 4)');
  });
});

describe('writeNirData', () => {
  it('writes each population sorted by time (ties by index) and reads back the same spikes', async () => {
    const path = join(tmp.dir, 'w.h5');
    const data = {
      populations: [
        { name: 'x', size: 4, times: Float64Array.of(3, 1, 1, 2.5), ids: Int32Array.of(0, 3, 1, 2) },
        { name: 'b', size: 1, times: new Float64Array(0), ids: new Int32Array(0) },
      ],
      dt: null,
      durationMs: 12,
    };
    await writeNirData(data, path);
    const back = await readNirData(path);
    expect(back.populations.map((p) => [p.name, p.size, Array.from(p.ids), Array.from(p.times)])).toEqual([
      ['x', 4, [1, 3, 2, 0], [1, 1, 2.5, 3]],
      ['b', 1, [], []],
    ]);
    expect(back.durationMs).toBe(12);
    expect(await nirDataFormat.read(path)).toEqual(back);
    await nirDataFormat.write(data, join(tmp.dir, 'w2.h5'));
    expect(await readNirData(join(tmp.dir, 'w2.h5'))).toEqual(back);
    // the layout nir.read_data dispatches on: __type__ of root, node and observable, int64 n_neurons
    await h5Ready();
    const file = new h5wasm.File(path, 'r');
    try {
      const attr = (o: unknown, k: string) => (o as { attrs: Record<string, { value: unknown }> }).attrs[k]?.value;
      expect(attr(file, '__type__')).toBe('NIRGraphData');
      expect((file.get('nodes') as H5Group).keys()).toEqual(['x', 'b']);
      expect(attr(file.get('nodes/x'), '__type__')).toBe('NIRNodeData');
      expect(attr(file.get('nodes/x/observables/spikes'), '__type__')).toBe('EventData');
      expect(attr(file.get('nodes/x/observables/spikes'), 'n_neurons')).toBe(4n);
      expect((file.get('nodes/x/observables/spikes/time') as unknown as { dtype: string }).dtype).toBe('<d');
    } finally {
      file.close();
    }
    expect(nirDataFormat.name).toBe('nirdata');
    expect(nirDataFormat.extensions).toEqual(['.nirdata.h5', '.nird']);
  });

  it('refuses invalid spike data and names HDF5 cannot hold', async () => {
    for (const name of ['', '.', 'a/b']) {
      const e = (() => {
        try {
          checkGroupName(name);
        } catch (x) {
          return x as SnnError;
        }
        throw new Error('did not throw');
      })();
      expect([e.code, e.message, e.hint]).toEqual(['usage', `population name '${name}' cannot be an HDF5 group name`, "rename it: no '/', not empty, not '.'"]);
    }
    expect(() => checkGroupName('a.b')).not.toThrow();
    const bad = { populations: [{ name: 'x', size: 1, times: Float64Array.of(1), ids: Int32Array.of(5) }], dt: null, durationMs: 2 };
    await expect(writeNirData(bad, join(tmp.dir, 'bad.h5'))).rejects.toBeInstanceOf(SnnError);
  });
});
