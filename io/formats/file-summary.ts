/**
 * What is in a file of any format snn reads, as plain JSON values, for `snn inspect`. The CLI turns
 * these summaries into text; detection by first bytes is `detectKind`.
 *
 *   HDF5 (\x89HDF\r\n\x1a\n)  → nir (root group `node`), nirdata (root __type__ NIRGraphData) or
 *                               nwb (root neurodata_type NWBFile), decided by content
 *   #!AER-DAT2.0 / 4.0        → aedat2 / aedat4
 *   \x93NUMPY                 → npy (structured events or (N, 2) plain), else a Lava raster
 *   t_ms,population,neuron    → csv;   [{"population": …  → spikesourcearray;  {"spikes"/"populations" → spike JSON
 *   SNNMODL1 / SNNCKPT1       → trained model / training checkpoint
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Dataset, Group } from 'h5wasm/node';
import { SnnError } from '../../engine/errors.js';
import { CHECKPOINT_MAGIC, MODEL_MAGIC, readFramed } from '../checkpoint.js';
import { getAttr, getStringAttr, isHdf5, readHdf5 } from './hdf5.js';
import { loadJsonSpikes } from './json-spikes-source.js';
import { conciseHdf5Error, readNirGraph, type NirGraph, type NirMetadataValue } from './nir-graph.js';
import { registerBuiltinFormats } from './register-all.js';
import { getFormat } from './registry.js';
import type { SpikeData } from './spike-data.js';

export type FileKind = 'hdf5' | 'aedat2' | 'aedat4' | 'npy' | 'csv' | 'spikesourcearray' | 'spike-json' | 'snn-model' | 'snn-checkpoint';

const ascii = (head: Uint8Array, n: number) => Buffer.from(head.subarray(0, n)).toString('latin1');

export function detectKind(head: Uint8Array): FileKind | null {
  // The superblock version follows the signature (0–3 exist); anything else is not HDF5.
  if (isHdf5(head) && head.length > 8 && head[8]! <= 3) return 'hdf5';
  if (ascii(head, 12) === '#!AER-DAT2.0') return 'aedat2';
  if (ascii(head, 12) === '#!AER-DAT4.0') return 'aedat4';
  if (ascii(head, 6) === '\x93NUMPY') return 'npy';
  if (ascii(head, 8) === MODEL_MAGIC) return 'snn-model';
  if (ascii(head, 8) === CHECKPOINT_MAGIC) return 'snn-checkpoint';
  const text = Buffer.from(head).toString('utf8').replace(/^\uFEFF/, '');
  if (text.startsWith('t_ms,population,neuron')) return 'csv';
  if (/^\s*\[\s*(\{\s*"population"|\]|$)/.test(text)) return 'spikesourcearray';
  if (/^\s*\{\s*"(spikes|populations|dt|duration)"/.test(text)) return 'spike-json';
  return null;
}

// ---- spikes ----

export interface SpikeSummary {
  format: string;
  dt: number | null;
  durationMs: number;
  populations: { name: string; size: number; spikes: number; activeNeurons: number; firstMs: number | null; lastMs: number | null; meanRateHz: number | null }[];
  notes: string[];
}

export function summarizeSpikes(format: string, data: SpikeData, notes: string[] = []): SpikeSummary {
  return {
    format,
    dt: data.dt,
    durationMs: data.durationMs,
    populations: data.populations.map((p) => {
      let first = Infinity;
      let last = -Infinity;
      const active = new Set<number>();
      for (let i = 0; i < p.times.length; i++) {
        first = Math.min(first, p.times[i]!);
        last = Math.max(last, p.times[i]!);
        active.add(p.ids[i]!);
      }
      const has = p.times.length > 0;
      return {
        name: p.name,
        size: p.size,
        spikes: p.times.length,
        activeNeurons: active.size,
        firstMs: has ? first : null,
        lastMs: has ? last : null,
        meanRateHz: p.size > 0 && data.durationMs > 0 ? p.times.length / p.size / (data.durationMs / 1000) : null,
      };
    }),
    notes,
  };
}

async function readSpikes(format: string, path: string, opts: { width?: number; dt?: number } = {}): Promise<SpikeData> {
  registerBuiltinFormats();
  return getFormat(format).read(path, opts);
}

/** npy: Tonic/plain events, else a Lava raster (time axis reported in steps: the file has no dt). */
async function summarizeNpy(path: string, dt: number | undefined): Promise<SpikeSummary> {
  try {
    return summarizeSpikes('npy', await readSpikes('npy', path), ['one flat address space: population "events"; ids = y·128 + x for Tonic files (pass the width to snn import)']);
  } catch (err) {
    if (!(err instanceof SnnError) || err.code !== 'io.format') throw err;
    if (dt !== undefined) return summarizeSpikes('lava', await readSpikes('lava', path, { dt }), [`Lava RingBuffer raster (neurons, T) read with dt = ${dt} ms (--dt)`]);
    return summarizeSpikes('lava', await readSpikes('lava', path, { dt: 1 }), ['Lava RingBuffer raster (neurons, T): times are step indices (dt = 1), the file holds no dt; pass --dt MS for times in ms']);
  }
}

// ---- NIR ----

export interface NirSummary {
  format: 'nir';
  version: string;
  nodes: { id: string; type: string; params: Record<string, { shape: number[]; dtype: string | null; value?: number }>; metadata?: Record<string, string> }[];
  edges: [string, string][];
  metadata: Record<string, string>;
}

function showMeta(v: NirMetadataValue): string {
  if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}… (${v.length} chars)` : v;
  if (typeof v === 'number') return String(v);
  return `${v.constructor.name}(${v.length})`;
}

export function summarizeNirGraph(version: string, g: NirGraph): NirSummary {
  const metaOf = (m: Record<string, NirMetadataValue> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, showMeta(v)]));
  return {
    format: 'nir',
    version,
    nodes: Object.entries(g.nodes).map(([id, n]) => {
      const params: NirSummary['nodes'][number]['params'] = {};
      for (const [k, t] of Object.entries(n.params)) {
        const same = t.data.length > 0 && t.data.every((x) => x === t.data[0]);
        params[k] = { shape: t.shape, dtype: t.dtype ?? null, ...(same ? { value: t.data[0]! } : {}) };
      }
      if (n.graph) params['(nested graph)'] = { shape: [Object.keys(n.graph.nodes).length], dtype: null };
      return { id, type: n.type, params, ...(n.metadata ? { metadata: metaOf(n.metadata) } : {}) };
    }),
    edges: g.edges,
    metadata: metaOf(g.metadata),
  };
}

// ---- HDF5 dispatch ----

export type Hdf5Kind = 'nir' | 'nirdata' | 'nwb' | 'unknown';

export async function hdf5Kind(path: string): Promise<Hdf5Kind> {
  try {
    return await readHdf5(path, 'an HDF5 file', (f) => {
      if (f.get('node') instanceof Group) return 'nir';
      if (getStringAttr(f, '__type__') === 'NIRGraphData') return 'nirdata';
      if (getAttr(f, 'neurodata_type') === 'NWBFile' || f.get('units') instanceof Group || f.get('session_start_time') instanceof Dataset) return 'nwb';
      return 'unknown';
    });
  } catch (err) {
    throw conciseHdf5Error(err, path, 'an HDF5 file');
  }
}

// ---- snn model and checkpoint files ----

export interface SnnFileSummary {
  format: 'snn-model' | 'snn-checkpoint';
  fields: Record<string, unknown>;
  arrays: { name: string; type: string; length: number; shape?: number[]; stats?: ArrayStats }[];
}

/** Distribution of an array's values: what a weight or threshold array looks like at a glance. */
export interface ArrayStats {
  mean: number;
  std: number;
  min: number;
  p5: number;
  median: number;
  p95: number;
  max: number;
  /** Fraction of exact zeros (connection sparsity of a weight array). */
  zeroFraction: number;
}

export function arrayStats(values: ArrayLike<number>): ArrayStats | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    sum += sorted[i]!;
    if (sorted[i] === 0) zeros++;
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (sorted[i]! - mean) ** 2;
  const q = (f: number) => sorted[Math.min(n - 1, Math.floor(f * (n - 1) + 0.5))]!;
  return { mean, std: Math.sqrt(sq / n), min: sorted[0]!, p5: q(0.05), median: q(0.5), p95: q(0.95), max: sorted[n - 1]!, zeroFraction: zeros / n };
}

function shapeOfArray(name: string, length: number, neurons: number | undefined): number[] | undefined {
  if (neurons === undefined) return undefined;
  if (name === 'input->exc' && length === 784 * neurons) return [784, neurons];
  if (name === 'exc->sl' && length === neurons * 10) return [neurons, 10];
  if (length === neurons) return [neurons];
  return undefined;
}

function collectArrays(obj: unknown, prefix: string, out: SnnFileSummary['arrays'], neurons: number | undefined, depth = 0): void {
  if (depth > 4 || obj === null || typeof obj !== 'object') return;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const shape = shapeOfArray(k, (v as unknown as ArrayLike<number>).length, neurons);
      const values = v as unknown as ArrayLike<number>;
      const stats = typeof (values as { [k: number]: unknown })[0] === 'number' ? arrayStats(values) : undefined;
      out.push({ name, type: v.constructor.name, length: values.length, ...(shape ? { shape } : {}), ...(stats ? { stats } : {}) });
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) collectArrays(v, name, out, neurons, depth + 1);
  }
}

export function summarizeSnnFile(path: string, kind: 'snn-model' | 'snn-checkpoint'): SnnFileSummary {
  const v = readFramed<Record<string, unknown>>(path, kind === 'snn-model' ? MODEL_MAGIC : CHECKPOINT_MAGIC, kind === 'snn-model' ? 'model' : 'checkpoint');
  if (typeof v !== 'object' || v === null) throw new SnnError('io.corrupt', `${path}: the ${kind} payload is not an object`, 'use a file written by snn train');
  const cfg = v['config'] as Record<string, unknown> | undefined;
  const neurons = typeof cfg?.['neurons'] === 'number' ? cfg['neurons'] : undefined;
  const fields: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') fields[k] = x;
  }
  if (neurons !== undefined) fields['neurons'] = neurons;
  if (typeof cfg?.['dataset'] === 'string' && fields['dataset'] === undefined) fields['dataset'] = cfg['dataset'];
  const pos = v['position'];
  if (pos && typeof pos === 'object') for (const [k, x] of Object.entries(pos as Record<string, unknown>)) if (typeof x === 'number') fields[`position.${k}`] = x;
  const asg = v['assignments'];
  if (ArrayBuffer.isView(asg)) {
    const a = asg as Int8Array;
    fields['assignedNeurons'] = a.filter((x) => x >= 0).length;
  }
  const arrays: SnnFileSummary['arrays'] = [];
  collectArrays(v['arrays'] ?? {}, '', arrays, neurons);
  if (kind === 'snn-checkpoint') collectArrays(v['populations'] ?? {}, 'populations', arrays, neurons);
  return { format: kind, fields, arrays };
}

// ---- entry ----

export type FileSummary = SpikeSummary | NirSummary | SnnFileSummary;

/** Summary of `path`, whose first bytes were classified as `kind`. */
export async function summarizeFile(path: string, kind: FileKind, opts: { dt?: number } = {}): Promise<FileSummary> {
  try {
    return await summarizeKind(path, kind, opts.dt);
  } catch (err) {
    throw conciseHdf5Error(err, path, kind === 'hdf5' ? 'an HDF5 file' : kind);
  }
}

async function summarizeKind(path: string, kind: FileKind, dt: number | undefined): Promise<FileSummary> {
  switch (kind) {
    case 'hdf5': {
      const k = await hdf5Kind(path);
      if (k === 'nir') {
        const { version, graph } = await readNirGraph(path);
        return summarizeNirGraph(version, graph);
      }
      if (k === 'nirdata' || k === 'nwb') return summarizeSpikes(k, await readSpikes(k, path));
      throw new SnnError('io.format', `${path} is an HDF5 file but neither NIR, NIRData nor NWB`, 'snn inspects the HDF5 files it writes: .nir, .nirdata.h5, .nwb');
    }
    case 'aedat2':
      return summarizeSpikes('aedat2', await readSpikes('aedat2', path), ['pixel (x, y) → id = y·width + x, width from the file or 128']);
    case 'aedat4':
      return summarizeSpikes('aedat4', await readSpikes('aedat4', path));
    case 'npy':
      return summarizeNpy(path, dt);
    case 'csv':
      return summarizeSpikes('csv', await readSpikes('csv', path));
    case 'spikesourcearray':
      return summarizeSpikes('spikesourcearray', await readSpikes('spikesourcearray', path));
    case 'spike-json':
      return summarizeSpikes('spike-json', await loadJsonSpikes(path), ['population sizes are largest id + 1 (the JSON holds no sizes)']);
    case 'snn-model':
    case 'snn-checkpoint':
      return summarizeSnnFile(path, kind);
  }
}

/**
 * The import format of a file from its content (as `snn inspect` tells them apart), or null when
 * the bytes say nothing: 'nir', 'nirdata', 'nwb', 'aedat2', 'aedat4', 'npy', 'csv', 'spikesourcearray'.
 */
export async function detectImportFormat(path: string): Promise<string | null> {
  let head: Uint8Array;
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(64);
      head = buf.subarray(0, readSync(fd, buf, 0, 64, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const kind = detectKind(head);
  if (kind === 'hdf5') {
    const k = await hdf5Kind(path);
    return k === 'unknown' ? null : k;
  }
  return kind === 'aedat2' || kind === 'aedat4' || kind === 'npy' || kind === 'csv' || kind === 'spikesourcearray' ? kind : null;
}
