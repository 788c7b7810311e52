/**
 * NIR model graphs in memory and in HDF5 (docs/formats.md, nir; `nir/serialization.py` of
 * neuromorphs/NIR is what outside readers run):
 *
 *   /version                 string dataset ("1.0.0")
 *   /node                    the top-level NIRGraph
 *     type                   string dataset "NIRGraph"
 *     nodes/<id>/type        string dataset, e.g. "LIF"
 *     nodes/<id>/<param>     one dataset per parameter (float64 arrays; Input/Output `shape` int64)
 *     edges                  (N, 2) variable-length UTF-8 strings (source, target)
 *     metadata/<key>         optional: string, number or numeric-array datasets
 *
 * Every neuron parameter is an array (never a scalar: nir's shape checks break on scalars). Nested
 * NIRGraph nodes are read (and inspected) but never written by us. This file knows nothing about snn
 * populations: nir-from-network.ts and nir-to-description.ts map between the two.
 */
import { SnnError } from '../../engine/errors.js';
import { Dataset, Group } from 'h5wasm/node';
import { createHdf5, getDataset, readHdf5, writeArray, writeInt64, writeString, type H5File, type H5Group } from './hdf5.js';

export const NIR_FILE_VERSION = '1.0.0';

/** A numeric parameter: values in C order and the shape. */
export interface NirTensor {
  data: Float64Array;
  shape: number[];
  /** HDF5 dtype code as read (e.g. '<d', '<f', '<q'); informational. */
  dtype?: string;
}

export type NirMetadataValue = string | number | Float64Array | Int32Array;
export type NirMetadata = Record<string, NirMetadataValue>;

export interface NirNode {
  type: string;
  /** Parameters by HDF5 dataset name (`weight`, `tau`, `shape`, ...). */
  params: Record<string, NirTensor>;
  metadata?: NirMetadata;
  /** Only for type 'NIRGraph' (nested graphs). */
  graph?: NirGraph;
}

export interface NirGraph {
  nodes: Record<string, NirNode>;
  edges: [string, string][];
  metadata: NirMetadata;
}

/** Node types snn knows the parameters of (others are read generically). */
export const NIR_PARAMS: Record<string, readonly string[]> = {
  Input: ['shape'],
  Output: ['shape'],
  Affine: ['weight', 'bias'],
  Linear: ['weight'],
  Scale: ['scale'],
  Delay: ['delay'],
  Threshold: ['threshold'],
  I: ['r'],
  IF: ['r', 'v_reset', 'v_threshold'],
  LI: ['tau', 'r', 'v_leak'],
  LIF: ['tau', 'r', 'v_leak', 'v_reset', 'v_threshold'],
  CubaLI: ['tau_mem', 'tau_syn', 'r', 'v_leak', 'w_in'],
  CubaLIF: ['tau_mem', 'tau_syn', 'r', 'v_leak', 'v_reset', 'v_threshold', 'w_in'],
};

/** Parameters nir's reader allows to be absent (v_reset: zeros, w_in: ones). */
const OPTIONAL_PARAMS = new Set(['v_reset', 'w_in']);

export function tensor(data: Float64Array | number[], shape?: number[]): NirTensor {
  const d = data instanceof Float64Array ? data : Float64Array.from(data);
  return { data: d, shape: shape ?? [d.length] };
}

/** A 1-D array of n copies of x: neuron parameters are arrays, never scalars. */
export function filled(n: number, x: number): NirTensor {
  return tensor(new Float64Array(n).fill(x));
}

export function checkNodeId(id: string): void {
  if (id === '' || id === '.' || id.includes('/')) {
    throw new SnnError('usage', `'${id}' cannot be a NIR node id (an HDF5 group name)`, "rename it: no '/', not empty, not '.'");
  }
}

// ---- writing ----

/** Arrays this large are gzip-compressed in chunks of about 64 Ki values (nir.write compresses every array). */
const COMPRESS_FROM = 4096;

function writeCompressed(g: H5Group, name: string, t: NirTensor): void {
  const inner = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = Math.max(1, Math.min(t.shape[0]!, Math.floor(65536 / Math.max(1, inner))));
  g.create_dataset({ name, data: t.data, dtype: '<d', shape: t.shape, chunks: [rows, ...t.shape.slice(1)], compression: 'gzip', compression_opts: 4 });
}

function writeMetadata(g: H5Group, metadata: NirMetadata | undefined): void {
  if (!metadata || Object.keys(metadata).length === 0) return;
  const m = g.create_group('metadata', true);
  for (const [k, v] of Object.entries(metadata)) {
    checkNodeId(k);
    if (typeof v === 'string') writeString(m, k, v);
    else if (typeof v === 'number') writeArray(m, k, Float64Array.of(v), '<d', []);
    else if (v instanceof Int32Array) writeArray(m, k, v, '<i');
    else writeArray(m, k, v, '<d');
  }
}

function writeGraph(g: H5Group, graph: NirGraph): void {
  writeString(g, 'type', 'NIRGraph');
  const nodes = g.create_group('nodes', true);
  for (const [id, node] of Object.entries(graph.nodes)) {
    checkNodeId(id);
    const ng = nodes.create_group(id, true);
    if (node.type === 'NIRGraph') {
      if (!node.graph) throw new SnnError('internal', `nested NIRGraph '${id}' has no graph`, 'build the node with a graph');
      writeGraph(ng, node.graph);
      continue;
    }
    writeString(ng, 'type', node.type);
    for (const [name, t] of Object.entries(node.params)) {
      if (t.shape.reduce((a, b) => a * b, 1) !== t.data.length) {
        throw new SnnError('internal', `NIR node '${id}' parameter '${name}' has ${t.data.length} values for shape (${t.shape.join(', ')})`, 'fix the exporter');
      }
      if (name === 'shape') writeInt64(ng, name, t.data, t.shape);
      else if (t.data.length >= COMPRESS_FROM && t.shape.length >= 1) writeCompressed(ng, name, t);
      else writeArray(ng, name, t.data, '<d', t.shape);
    }
    writeMetadata(ng, node.metadata);
  }
  const flat: string[] = [];
  for (const [a, b] of graph.edges) {
    if (!(a in graph.nodes) || !(b in graph.nodes)) throw new SnnError('internal', `NIR edge (${a}, ${b}) names an unknown node`, 'fix the exporter');
    flat.push(a, b);
  }
  g.create_dataset({ name: 'edges', data: flat, shape: [graph.edges.length, 2] });
  writeMetadata(g, graph.metadata);
}

/** Writes `graph` as a NIR file at `path`, atomically. */
export async function writeNirGraph(graph: NirGraph, path: string): Promise<void> {
  await createHdf5(path, (f) => {
    writeString(f, 'version', NIR_FILE_VERSION);
    writeGraph(f.create_group('node', true), graph);
  });
}

// ---- reading ----

const MAX_DEPTH = 8;

function bad(where: string, what: string): never {
  throw new SnnError('io.corrupt', `NIR ${where}: ${what}`, 'the file is damaged or not a NIR graph (nir.write)');
}

function readTensor(d: Dataset, where: string): NirTensor {
  const v = d.value;
  const shape = (d.shape ?? []).map(Number);
  let data: Float64Array;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') data = Float64Array.of(Number(v));
  else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const src = v as unknown as ArrayLike<number | bigint>;
    data = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) data[i] = Number(src[i]!);
  } else if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'boolean')) data = Float64Array.from(v as number[]);
  else bad(where, 'is not a numeric dataset');
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) bad(where, `has ${data.length} values for shape (${shape.join(', ')})`);
  return { data, shape, dtype: typeof d.dtype === 'string' ? d.dtype : undefined };
}

function readText(d: Dataset, where: string): string {
  const v = d.value;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return bad(where, 'is not a string dataset');
}

function readMetadata(g: Group, where: string): NirMetadata {
  const m = g.get('metadata');
  if (!(m instanceof Group)) return {};
  const out: NirMetadata = {};
  for (const k of m.keys()) {
    const d = m.get(k);
    if (!(d instanceof Dataset)) continue; // nested metadata dicts: not used by snn
    const v = d.value;
    if (typeof v === 'string' || (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string')) out[k] = readText(d, `${where}/metadata/${k}`);
    else {
      const t = readTensor(d, `${where}/metadata/${k}`);
      out[k] = t.shape.length === 0 ? t.data[0]! : t.data;
    }
  }
  return out;
}

function readNode(g: Group, where: string, depth: number): NirNode {
  const typeDs = g.get('type');
  if (!(typeDs instanceof Dataset)) bad(where, "has no 'type' dataset");
  const type = readText(typeDs, `${where}/type`);
  if (type === 'NIRGraph') return { type, params: {}, graph: readGraphGroup(g, where, depth + 1) };
  const params: Record<string, NirTensor> = {};
  for (const k of g.keys()) {
    if (k === 'type' || k === 'metadata') continue;
    const d = g.get(k);
    if (d instanceof Dataset) params[k] = readTensor(d, `${where}/${k}`);
  }
  const known = NIR_PARAMS[type];
  if (known) {
    for (const p of known) if (!(p in params) && !OPTIONAL_PARAMS.has(p)) bad(where, `(${type}) lacks parameter '${p}'`);
  }
  const metadata = readMetadata(g, where);
  return Object.keys(metadata).length ? { type, params, metadata } : { type, params };
}

function readGraphGroup(g: Group, where: string, depth: number): NirGraph {
  if (depth > MAX_DEPTH) bad(where, `graphs nested deeper than ${MAX_DEPTH}`);
  const nodesG = g.get('nodes');
  if (!(nodesG instanceof Group)) bad(where, "(NIRGraph) has no 'nodes' group");
  const nodes: Record<string, NirNode> = {};
  for (const id of nodesG.keys()) {
    const n = nodesG.get(id);
    if (!(n instanceof Group)) bad(`${where}/nodes/${id}`, 'is not a group');
    nodes[id] = readNode(n, `${where}/nodes/${id}`, depth);
  }
  const edges: [string, string][] = [];
  const e = g.get('edges');
  if (e instanceof Dataset) {
    const v = e.value;
    const shape = (e.shape ?? []).map(Number);
    const total = shape.reduce((a, b) => a * b, 1);
    if (total > 0) {
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string') || v.length % 2 !== 0 || (shape.length === 2 && shape[1] !== 2)) {
        bad(`${where}/edges`, 'is not an (N, 2) array of strings');
      }
      const s = v as string[];
      for (let i = 0; i < s.length; i += 2) {
        const a = s[i]!;
        const b = s[i + 1]!;
        if (!(a in nodes) || !(b in nodes)) {
          throw new SnnError('io.corrupt', `NIR ${where}: edge (${a}, ${b}) names a node that does not exist`, 'the file is damaged or was written by a faulty exporter');
        }
        edges.push([a, b]);
      }
    }
  } else if (e !== null) bad(`${where}/edges`, 'is not a dataset');
  return { nodes, edges, metadata: readMetadata(g, where) };
}

function readRoot(f: H5File): { version: string; graph: NirGraph } {
  const node = f.get('node');
  if (!(node instanceof Group)) {
    throw new SnnError('io.format', "not a NIR graph: no root group 'node'", 'give a .nir file written by nir.write or snn export --format nir');
  }
  const v = f.get('version');
  const version = v instanceof Dataset ? readText(getDataset(f, 'version'), 'version') : 'unknown';
  const root = readNode(node, 'node', 0);
  if (root.type !== 'NIRGraph' || !root.graph) {
    // A file holding a single node: wrap it so callers always see a graph.
    return { version, graph: { nodes: { node: root }, edges: [], metadata: {} } };
  }
  return { version, graph: root.graph };
}

/**
 * HDF5's error text is its whole diagnostic stack on one line; keep the innermost reason
 * ("bad superblock version number") so the user sees one short line.
 */
export function conciseHdf5Error(err: unknown, path: string, what: string): unknown {
  if (!(err instanceof SnnError) || !err.message.includes('HDF5-DIAG')) return err;
  const reasons = [...err.message.matchAll(/\(\): (.*?)\s+major:/g)].map((m) => m[1]!.trim());
  const reason = reasons.at(-1) ?? 'the HDF5 library cannot open it';
  return new SnnError(err.code, `cannot read ${what} from ${path}: ${reason}`, err.hint);
}

/** Reads a NIR file (ours or any nir.write output) into memory. */
export async function readNirGraph(path: string): Promise<{ version: string; graph: NirGraph }> {
  try {
    return await readHdf5(path, 'NIR graph', (f) => readRoot(f));
  } catch (err) {
    throw conciseHdf5Error(err, path, 'a NIR graph');
  }
}

/** True when an open HDF5 file looks like a NIR graph (root `node` group). */
export function isNirHdf5(f: H5File): boolean {
  return f.get('node') instanceof Group;
}
