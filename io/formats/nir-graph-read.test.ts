/**
 * The NIR HDF5 layer, details beyond nir-graph.test.ts: how large parameters are chunked, that
 * node, parameter and metadata order survive, the dtypes of metadata, what other writers put in a
 * file (scalar parameters, one-element string arrays, byte strings, unknown node types, subgroups,
 * no edges, flat edges, deep but allowed nesting), and the code and hint of every refusal.
 */
import { join } from 'node:path';
import h5wasm, { type Dataset, type File as H5File, type Group as H5Group } from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { h5Ready } from './hdf5.js';
import { checkNodeId, conciseHdf5Error, isNirHdf5, readNirGraph, tensor, writeNirGraph, type NirGraph } from './nir-graph.js';
import { tempDir } from './test-fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(async () => {
  await h5Ready();
});

const f = (xs: number[], shape?: number[]) => ({ data: Float64Array.from(xs), shape: shape ?? [xs.length] });
let count = 0;
const fresh = (name: string) => join(tmp.dir, `${count++}-${name}`);

async function refusal(p: Promise<unknown>): Promise<SnnError> {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(SnnError);
  return e as SnnError;
}
const triple = (e: SnnError) => [e.code, e.message, e.hint];

/** A raw HDF5 file written through h5wasm, root group `node` of type NIRGraph with a `nodes` group. */
async function raw(build: (node: H5Group, nodes: H5Group, file: H5File) => void): Promise<string> {
  await h5Ready();
  const path = fresh('raw.nir');
  const file = new h5wasm.File(path, 'w');
  try {
    const node = file.create_group('node') as H5Group;
    node.create_dataset({ name: 'type', data: 'NIRGraph' });
    build(node, node.create_group('nodes') as H5Group, file);
  } finally {
    file.close();
  }
  return path;
}

function inFile<T>(path: string, read: (file: H5File) => T): T {
  const file = new h5wasm.File(path, 'r');
  try {
    return read(file);
  } finally {
    file.close();
  }
}

describe('writing', () => {
  it('chunks a large parameter in about 64 Ki values along its first axis', async () => {
    const path = fresh('chunks.nir');
    const w = (shape: number[]) => ({ type: 'Linear', params: { weight: tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape) } });
    await writeNirGraph({ nodes: { a: w([100, 1000]), b: w([64, 64]), c: w([2, 40000]), d: w([5000]), e: w([70000]), g: w([3, 4, 500]) }, edges: [], metadata: {} }, path);
    const chunks = inFile(path, (file) => Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'g'].map((id) => [id, (file.get(`node/nodes/${id}/weight`) as Dataset).metadata.chunks])));
    // rows = max(1, min(rows, ⌊65536 / (values per row)⌋))
    expect(chunks).toEqual({ a: [65, 1000], b: [64, 64], c: [1, 40000], d: [5000], e: [65536], g: [3, 4, 500] });
    const dtypes = inFile(path, (file) => (file.get('node/nodes/d/weight') as Dataset).dtype);
    expect(dtypes).toBe('<d');
    const back = await readNirGraph(path);
    expect(back.graph.nodes['d']!.params['weight']!.data).toEqual(new Float64Array(5000).fill(0.5));
    expect(back.graph.nodes['d']!.params['weight']!.dtype).toBe('<d');
    // no edges: an empty (0, 2) dataset, read back as none
    expect(back.graph.edges).toEqual([]);
  });

  it('keeps the order of nodes, parameters and metadata keys, and metadata dtypes', async () => {
    const path = fresh('order.nir');
    const graph: NirGraph = {
      nodes: {
        zeta: { type: 'LIF', params: { v_threshold: f([1]), tau: f([0.5]), r: f([2]), v_leak: f([0]) }, metadata: { z: 'last', a: 1.5, m: Int32Array.of(-3, 4), b: Float64Array.of(0.25, -1.5) } },
        alpha: { type: 'Input', params: { shape: f([1]) } },
        mid: { type: 'Output', params: { shape: f([1]) } },
      },
      edges: [['alpha', 'zeta'], ['zeta', 'mid']],
      metadata: { y: 'y', b: 2 },
    };
    await writeNirGraph(graph, path);
    const back = (await readNirGraph(path)).graph;
    expect(Object.keys(back.nodes)).toEqual(['zeta', 'alpha', 'mid']);
    expect(Object.keys(back.nodes['zeta']!.params)).toEqual(['v_threshold', 'tau', 'r', 'v_leak']);
    expect(back.nodes['zeta']!.metadata).toEqual({ z: 'last', a: 1.5, m: Float64Array.of(-3, 4), b: Float64Array.of(0.25, -1.5) });
    expect(Object.keys(back.nodes['zeta']!.metadata!)).toEqual(['z', 'a', 'm', 'b']);
    expect(Object.keys(back.metadata)).toEqual(['y', 'b']);
    const dt = inFile(path, (file) => ['z', 'a', 'm', 'b'].map((k) => [(file.get(`node/nodes/zeta/metadata/${k}`) as Dataset).dtype, (file.get(`node/nodes/zeta/metadata/${k}`) as Dataset).shape]));
    expect(dt[1]).toEqual(['<d', []]);
    expect(dt[2]).toEqual(['<i', [2]]);
    expect(dt[3]).toEqual(['<d', [2]]);
  });

  it('refuses what nir.read could not read, with code and hint', async () => {
    const path = fresh('bad.nir');
    const w = async (g: NirGraph) => triple(await refusal(writeNirGraph(g, path)));
    expect(await w({ nodes: { a: { type: 'Linear', params: { weight: { data: new Float64Array(3), shape: [2, 2] } } } }, edges: [], metadata: {} })).toEqual(['internal', "NIR node 'a' parameter 'weight' has 3 values for shape (2, 2)", 'fix the exporter']);
    expect(await w({ nodes: { a: { type: 'Input', params: { shape: f([1]) } } }, edges: [['b', 'a']], metadata: {} })).toEqual(['internal', 'NIR edge (b, a) names an unknown node', 'fix the exporter']);
    expect(await w({ nodes: { s: { type: 'NIRGraph', params: {} } }, edges: [], metadata: {} })).toEqual(['internal', "nested NIRGraph 's' has no graph", 'build the node with a graph']);
    expect(await w({ nodes: {}, edges: [], metadata: { 'a/b': 1 } })).toEqual(['usage', "'a/b' cannot be a NIR node id (an HDF5 group name)", "rename it: no '/', not empty, not '.'"]);
    expect(() => checkNodeId('x')).not.toThrow();
  });
});

describe('reading what other writers put in a file', () => {
  it('scalar parameters, byte-string and one-element types, unknown types, subgroups and flat edges', async () => {
    const path = await raw((node, nodes) => {
      const a = nodes.create_group('a') as H5Group;
      a.create_dataset({ name: 'type', data: ['LI'], shape: [1] });
      a.create_dataset({ name: 'tau', data: 0.25 as never });
      a.create_dataset({ name: 'r', data: BigInt64Array.of(3n), shape: [] });
      a.create_dataset({ name: 'v_leak', data: Float64Array.of(0, 0), shape: [2] });
      a.create_group('extra');
      const meta = a.create_group('metadata') as H5Group;
      meta.create_dataset({ name: 'label', data: ['one'], shape: [1] });
      meta.create_group('nested');
      const b = nodes.create_group('b') as H5Group;
      b.create_dataset({ name: 'type', data: new TextEncoder().encode('Input') });
      b.create_dataset({ name: 'shape', data: BigInt64Array.of(2n), shape: [1] });
      const c = nodes.create_group('c') as H5Group;
      c.create_dataset({ name: 'type', data: 'Conv2d' });
      c.create_dataset({ name: 'kernel', data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] });
      node.create_dataset({ name: 'edges', data: ['b', 'a', 'a', 'c'], shape: [4] });
    });
    const { graph, version } = await readNirGraph(path);
    expect(version).toBe('unknown');
    expect(graph.nodes['a']).toEqual({ type: 'LI', params: { tau: { data: Float64Array.of(0.25), shape: [], dtype: '<d' }, r: { data: Float64Array.of(3), shape: [], dtype: '<q' }, v_leak: { data: Float64Array.of(0, 0), shape: [2], dtype: '<d' } }, metadata: { label: 'one' } });
    expect(graph.nodes['b']!.type).toBe('Input');
    expect(graph.nodes['c']).toEqual({ type: 'Conv2d', params: { kernel: { data: Float64Array.of(1, 2, 3, 4), shape: [2, 2], dtype: '<f' } } });
    expect(graph.edges).toEqual([['b', 'a'], ['a', 'c']]);
    expect(graph.metadata).toEqual({});
  });

  it('a graph without an edges dataset has no edges; nesting as deep as allowed reads', async () => {
    const path = await raw((_node, nodes) => {
      const a = nodes.create_group('a') as H5Group;
      a.create_dataset({ name: 'type', data: 'Input' });
      a.create_dataset({ name: 'shape', data: BigInt64Array.of(1n), shape: [1] });
    });
    expect((await readNirGraph(path)).graph).toEqual({ nodes: { a: { type: 'Input', params: { shape: { data: Float64Array.of(1), shape: [1], dtype: '<q' } } } }, edges: [], metadata: {} });
    // the root graph is level 1; seven nested graphs below it make level 8, the deepest allowed
    let g: NirGraph = { nodes: { x: { type: 'Input', params: { shape: f([1]) } } }, edges: [], metadata: {} };
    for (let k = 0; k < 7; k++) g = { nodes: { n: { type: 'NIRGraph', params: {}, graph: g } }, edges: [], metadata: {} };
    const deep = fresh('deep.nir');
    await writeNirGraph(g, deep);
    let back = (await readNirGraph(deep)).graph;
    for (let k = 0; k < 7; k++) back = back.nodes['n']!.graph!;
    expect(Object.keys(back.nodes)).toEqual(['x']);
    await writeNirGraph({ nodes: { n: { type: 'NIRGraph', params: {}, graph: g } }, edges: [], metadata: {} }, deep);
    expect((await refusal(readNirGraph(deep))).message).toMatch(/graphs nested deeper than 8$/);
  });

  it('recognises a NIR file by its root group', async () => {
    const nir = fresh('is.nir');
    await writeNirGraph({ nodes: {}, edges: [], metadata: {} }, nir);
    const other = fresh('other.h5');
    const file = new h5wasm.File(other, 'w');
    file.create_group('nodes');
    file.close();
    expect(inFile(nir, isNirHdf5)).toBe(true);
    expect(inFile(other, isNirHdf5)).toBe(false);
  });
});

describe('refusals of damaged files, with code and hint', () => {
  const DAMAGED = 'the file is damaged or not a NIR graph (nir.write)';
  it('each one', async () => {
    const read = async (path: string) => triple(await refusal(readNirGraph(path)));
    const noRoot = fresh('noroot.nir');
    const file = new h5wasm.File(noRoot, 'w');
    file.create_group('other');
    file.close();
    expect(await read(noRoot)).toEqual(['io.format', "not a NIR graph: no root group 'node'", 'give a .nir file written by nir.write or snn export --format nir']);
    expect(await read(await raw((node) => node.create_dataset({ name: 'edges', data: ['a', 'b'], shape: [1, 2] })))).toEqual(['io.corrupt', 'NIR node: edge (a, b) names a node that does not exist', 'the file is damaged or was written by a faulty exporter']);
    expect(await read(await raw((_n, nodes) => nodes.create_dataset({ name: 'x', data: Float64Array.of(1) })))).toEqual(['io.corrupt', 'NIR node/nodes/x: is not a group', DAMAGED]);
    const edges = (data: unknown, shape: number[]) => raw((node, nodes) => {
      for (const id of ['a', 'b', 'c']) {
        const g = nodes.create_group(id) as H5Group;
        g.create_dataset({ name: 'type', data: 'Input' });
        g.create_dataset({ name: 'shape', data: BigInt64Array.of(1n), shape: [1] });
      }
      node.create_dataset({ name: 'edges', data: data as never, shape });
    });
    const notPairs = ['io.corrupt', 'NIR node/edges: is not an (N, 2) array of strings', DAMAGED];
    expect(await read(await edges(['a', 'b', 'c'], [3]))).toEqual(notPairs);
    expect(await read(await edges(['a', 'b', 'c', 'a', 'b', 'c'], [2, 3]))).toEqual(notPairs);
    expect(await read(await edges(Float64Array.of(1, 2), [1, 2]))).toEqual(notPairs);
    expect((await readNirGraph(await edges(['a', 'b', 'b', 'c'], [2, 2]))).graph.edges).toEqual([['a', 'b'], ['b', 'c']]);
    expect(await read(await raw((_n, nodes) => nodes.create_group('q')))).toEqual(['io.corrupt', "NIR node/nodes/q: has no 'type' dataset", DAMAGED]);
    expect(
      await read(
        await raw((_n, nodes) => {
          const a = nodes.create_group('a') as H5Group;
          a.create_dataset({ name: 'type', data: 'Input' });
          a.create_dataset({ name: 'shape', data: BigInt64Array.of(1n), shape: [1] });
          (a.create_group('metadata') as H5Group).create_dataset({ name: 'pair', data: ['x', 'y'], shape: [2] });
        }),
      ),
    ).toEqual(['io.corrupt', 'NIR node/nodes/a/metadata/pair: is not a numeric dataset', DAMAGED]);
    const version = await raw((_n, _nodes, file) => file.create_dataset({ name: 'version', data: Float64Array.of(1) }));
    expect(await read(version)).toEqual(['io.corrupt', 'NIR version: is not a string dataset', DAMAGED]);
    const junk = fresh('junk.nir');
    (await import('node:fs')).writeFileSync(junk, 'not hdf5 at all');
    const j = await refusal(readNirGraph(junk));
    expect(j.message).toBe(`${junk} is not an HDF5 file`);
    expect(j.hint).toBe('expected NIR graph; check --format or the file');
    // an HDF5 signature followed by a superblock version no library knows: one short line naming what was expected
    const sb = fresh('superblock.nir');
    await writeNirGraph({ nodes: { a: { type: 'Input', params: { shape: f([1]) } } }, edges: [], metadata: {} }, sb);
    const fs = await import('node:fs');
    const bytes = fs.readFileSync(sb);
    bytes[8] = 9; // the byte after the 8-byte signature is the superblock version (0–3)
    fs.writeFileSync(sb, bytes);
    expect(await read(sb)).toEqual(['io.corrupt', `cannot read a NIR graph from ${sb}: bad superblock version number`, 'the file is damaged or not of this format']);
  });

  it('an HDF5 error stack shortens to its innermost reason, trimmed', () => {
    const three = new SnnError('io.corrupt', 'HDF5-DIAG: #000: a.c in f():  first reason  major: x #001: b.c in g(): second   major: y #002: c.c in h():  third one  major: z', 'h');
    expect((conciseHdf5Error(three, '/p.nir', 'a NIR graph') as SnnError).message).toBe('cannot read a NIR graph from /p.nir: third one');
  });
});
