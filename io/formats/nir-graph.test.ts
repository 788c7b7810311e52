/**
 * The NIR HDF5 layer on its own: a graph with every kind of metadata value, a compressed large
 * parameter, a nested NIRGraph and a single-node file is written and read back exactly; each
 * structural damage is refused with its message.
 */
import { join } from 'node:path';
import h5wasm, { Dataset, File as H5File } from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { h5Ready } from './hdf5.js';
import { NIR_FILE_VERSION, NIR_PARAMS, checkNodeId, conciseHdf5Error, filled, readNirGraph, tensor, writeNirGraph, type NirGraph } from './nir-graph.js';
import { tempDir } from './test-fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(async () => {
  await h5Ready();
});

const f = (xs: number[], shape?: number[]) => ({ data: Float64Array.from(xs), shape: shape ?? [xs.length] });

async function rejects(p: Promise<unknown>): Promise<SnnError> {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(SnnError);
  return e as SnnError;
}

/** Writes a raw HDF5 file through h5wasm (for damaged layouts). */
async function raw(name: string, build: (f: H5File) => void): Promise<string> {
  const path = join(tmp.dir, name);
  await h5Ready();
  const file = new h5wasm.File(path, 'w');
  try {
    build(file);
  } finally {
    file.close();
  }
  return path;
}

describe('NIR graph files', () => {
  it('write → read gives the same graph: parameters, shapes, metadata of every kind, a nested graph', async () => {
    const big = Float64Array.from({ length: 5000 }, (_, k) => Math.sin(k));
    const graph: NirGraph = {
      nodes: {
        input: { type: 'Input', params: { shape: f([3]) } },
        lin: { type: 'Linear', params: { weight: f([1, 2, 3, 4, 5, 6], [2, 3]) }, metadata: { snn_channel: 'exc', gain: 2.5, arr: Float64Array.of(1, 2), ints: Int32Array.of(7, 8) } },
        big: { type: 'Linear', params: { weight: tensor(big, [50, 100]) } },
        lif: { type: 'LIF', params: { tau: filled(2, 0.02), r: filled(2, 0.02), v_leak: filled(2, -65), v_reset: filled(2, -70), v_threshold: f([-50, -49]) } },
        sub: { type: 'NIRGraph', params: {}, graph: { nodes: { x: { type: 'Input', params: { shape: f([1]) } }, y: { type: 'Output', params: { shape: f([1]) } } }, edges: [['x', 'y']], metadata: { inner: 'yes' } } },
        out: { type: 'Output', params: { shape: f([2]) } },
      },
      edges: [['input', 'lin'], ['lin', 'lif'], ['lif', 'out']],
      metadata: { snn_format: 'snn-nir/1', dt: 0.0005 },
    };
    const path = join(tmp.dir, 'g.nir');
    await writeNirGraph(graph, path);
    const back = await readNirGraph(path);
    expect(back.version).toBe(NIR_FILE_VERSION);
    expect(back.graph.edges).toEqual(graph.edges);
    expect(back.graph.metadata).toEqual(graph.metadata);
    for (const id of ['input', 'lif', 'out']) {
      const a = graph.nodes[id]!;
      const b = back.graph.nodes[id]!;
      expect(b.type).toBe(a.type);
      expect(Object.keys(b.params).sort()).toEqual(Object.keys(a.params).sort());
      for (const [k, t] of Object.entries(a.params)) {
        expect(Array.from(b.params[k]!.data)).toEqual(Array.from(t.data));
        expect(b.params[k]!.shape).toEqual(t.shape);
      }
      expect(b.metadata).toBeUndefined();
    }
    expect(back.graph.nodes['input']!.params['shape']!.dtype).toBe('<q');
    expect(back.graph.nodes['lif']!.params['tau']!.dtype).toBe('<d');
    expect(back.graph.nodes['lin']!.metadata).toEqual({ snn_channel: 'exc', gain: 2.5, arr: Float64Array.of(1, 2), ints: Float64Array.of(7, 8) });
    expect(Array.from(back.graph.nodes['big']!.params['weight']!.data)).toEqual(Array.from(big));
    expect(back.graph.nodes['big']!.params['weight']!.shape).toEqual([50, 100]);
    const sub = back.graph.nodes['sub']!;
    expect(sub.type).toBe('NIRGraph');
    expect(sub.params).toEqual({});
    expect(Object.keys(sub.graph!.nodes)).toEqual(['x', 'y']);
    expect(sub.graph!.nodes['y']!.type).toBe('Output');
    expect(sub.graph!.edges).toEqual([['x', 'y']]);
    expect(sub.graph!.metadata).toEqual({ inner: 'yes' });
  });

  it('the large parameter is gzip-compressed in chunks, small ones are not', async () => {
    const path = join(tmp.dir, 'c.nir');
    await writeNirGraph({ nodes: { a: { type: 'Linear', params: { weight: tensor(new Float64Array(4096).fill(1), [64, 64]) } }, b: { type: 'Linear', params: { weight: tensor(new Float64Array(4095).fill(1), [4095, 1]) } } }, edges: [], metadata: {} }, path);
    const file = new h5wasm.File(path, 'r');
    try {
      const a = file.get('node/nodes/a/weight') as Dataset;
      const b = file.get('node/nodes/b/weight') as Dataset;
      expect(a.filters.map((x: { id: number }) => x.id)).toContain(1); // deflate
      expect(b.filters).toEqual([]);
      expect(file.get('node/metadata')).toBeNull();
      expect(file.get('node/nodes/a/metadata')).toBeNull();
    } finally {
      file.close();
    }
  });

  it('a file holding one node reads as a graph of that node', async () => {
    const path = await raw('single.nir', (file) => {
      const node = file.create_group('node');
      node.create_dataset({ name: 'type', data: 'LI' });
      node.create_dataset({ name: 'tau', data: Float64Array.of(0.01), shape: [1] });
      node.create_dataset({ name: 'r', data: Float64Array.of(1), shape: [1] });
      node.create_dataset({ name: 'v_leak', data: Float64Array.of(0), shape: [1] });
    });
    const g = await readNirGraph(path);
    expect(g.version).toBe('unknown');
    expect(Object.keys(g.graph.nodes)).toEqual(['node']);
    expect(g.graph.nodes['node']!.type).toBe('LI');
    expect(g.graph.edges).toEqual([]);
  });

  it('refuses damaged layouts, each with its message', async () => {
    const msg = async (name: string, build: (f: H5File) => void) => (await rejects(readNirGraph(await raw(name, build)))).message;
    expect(await msg('noroot.nir', (file) => file.create_group('other'))).toBe("not a NIR graph: no root group 'node'");
    expect(await msg('notype.nir', (file) => file.create_group('node'))).toBe("NIR node: has no 'type' dataset");
    expect(
      await msg('nonodes.nir', (file) => {
        file.create_group('node').create_dataset({ name: 'type', data: 'NIRGraph' });
      }),
    ).toBe("NIR node: (NIRGraph) has no 'nodes' group");
    expect(
      await msg('lacks.nir', (file) => {
        const g = file.create_group('node');
        g.create_dataset({ name: 'type', data: 'NIRGraph' });
        const n = g.create_group('nodes').create_group('l');
        n.create_dataset({ name: 'type', data: 'LIF' });
        n.create_dataset({ name: 'tau', data: Float64Array.of(1), shape: [1] });
      }),
    ).toBe("NIR node/nodes/l: (LIF) lacks parameter 'r'");
    expect(
      await msg('badedge.nir', (file) => {
        const g = file.create_group('node');
        g.create_dataset({ name: 'type', data: 'NIRGraph' });
        const n = g.create_group('nodes').create_group('a');
        n.create_dataset({ name: 'type', data: 'Input' });
        n.create_dataset({ name: 'shape', data: BigInt64Array.of(1n), shape: [1] });
        g.create_dataset({ name: 'edges', data: ['a', 'b'], shape: [1, 2] });
      }),
    ).toBe('NIR node: edge (a, b) names a node that does not exist');
    expect(
      await msg('edgesnum.nir', (file) => {
        const g = file.create_group('node');
        g.create_dataset({ name: 'type', data: 'NIRGraph' });
        g.create_group('nodes');
        g.create_dataset({ name: 'edges', data: Float64Array.of(1, 2), shape: [1, 2] });
      }),
    ).toBe('NIR node/edges: is not an (N, 2) array of strings');
    expect(
      await msg('edgesgroup.nir', (file) => {
        const g = file.create_group('node');
        g.create_dataset({ name: 'type', data: 'NIRGraph' });
        g.create_group('nodes');
        g.create_group('edges');
      }),
    ).toBe('NIR node/edges: is not a dataset');
    expect(
      await msg('strparam.nir', (file) => {
        const g = file.create_group('node');
        g.create_dataset({ name: 'type', data: 'Scale' });
        g.create_dataset({ name: 'scale', data: ['a', 'b'] });
      }),
    ).toBe('NIR node/scale: is not a numeric dataset');
    expect(
      await msg('numtype.nir', (file) => {
        file.create_group('node').create_dataset({ name: 'type', data: Float64Array.of(1), shape: [1] });
      }),
    ).toBe('NIR node/type: is not a string dataset');
    const deep = await msg('deep.nir', (file) => {
      let g = file.create_group('node');
      for (let k = 0; k < 10; k++) {
        g.create_dataset({ name: 'type', data: 'NIRGraph' });
        g = g.create_group('nodes').create_group('n');
      }
    });
    expect(deep).toMatch(/graphs nested deeper than 8$/);
  });

  it('refuses to write what nir.read could not read', async () => {
    const path = join(tmp.dir, 'bad.nir');
    expect((await rejects(writeNirGraph({ nodes: { a: { type: 'Linear', params: { weight: { data: new Float64Array(3), shape: [2, 2] } } } }, edges: [], metadata: {} }, path))).message).toBe(
      "NIR node 'a' parameter 'weight' has 3 values for shape (2, 2)",
    );
    expect((await rejects(writeNirGraph({ nodes: { a: { type: 'Input', params: { shape: f([1]) } } }, edges: [['a', 'b']], metadata: {} }, path))).message).toBe('NIR edge (a, b) names an unknown node');
    expect((await rejects(writeNirGraph({ nodes: { s: { type: 'NIRGraph', params: {} } }, edges: [], metadata: {} }, path))).message).toBe("nested NIRGraph 's' has no graph");
    expect((await rejects(writeNirGraph({ nodes: { 'a/b': { type: 'Input', params: { shape: f([1]) } } }, edges: [], metadata: {} }, path))).message).toBe("'a/b' cannot be a NIR node id (an HDF5 group name)");
    expect(() => checkNodeId('')).toThrow(/cannot be a NIR node id/);
    expect(() => checkNodeId('.')).toThrow(/cannot be a NIR node id/);
    expect(() => checkNodeId('a.b')).not.toThrow();
  });

  it('keeps the innermost reason of an HDF5 error stack, leaves other errors alone', () => {
    const stack = new SnnError('io.corrupt', 'HDF5-DIAG: Error detected #000: H5F.c line 1 in H5Fopen(): unable to open file    major: File accessibility #001: H5Fsuper.c in H5F__super_read(): bad superblock version number    major: File', 'hint');
    const e = conciseHdf5Error(stack, '/x.nir', 'a NIR graph') as SnnError;
    expect(e.message).toBe('cannot read a NIR graph from /x.nir: bad superblock version number');
    expect(e.code).toBe('io.corrupt');
    expect(e.hint).toBe('hint');
    const plain = new SnnError('io.corrupt', 'other', 'h');
    expect(conciseHdf5Error(plain, '/x', 'y')).toBe(plain);
    const odd = conciseHdf5Error(new SnnError('io.corrupt', 'HDF5-DIAG nothing parsable', 'h'), '/x', 'y') as SnnError;
    expect(odd.message).toBe('cannot read y from /x: the HDF5 library cannot open it');
    expect(NIR_PARAMS['CubaLIF']).toEqual(['tau_mem', 'tau_syn', 'r', 'v_leak', 'v_reset', 'v_threshold', 'w_in']);
  });
});
