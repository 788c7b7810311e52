/**
 * `snn inspect` for every format of io/formats (NIR, NIRData, NWB, AEDAT 2/4, npy, Lava, CSV,
 * SpikeSourceArray, spike JSON) and for trained models / checkpoints. Detection by first bytes and
 * the summaries live in io/formats/file-summary.ts; this file only prints them.
 */
import { detectKind, summarizeFile, type FileKind, type FileSummary, type NirSummary, type SnnFileSummary, type SpikeSummary } from '../../io/formats/file-summary.js';
import type { FileInspector, InspectResult } from './inspect.js';

function table(rows: string[][], textColumns = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < textColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

const num = (v: number | null, digits = 3): string => (v === null ? '–' : String(Number(v.toFixed(digits))));

function spikeText(path: string, s: SpikeSummary): string {
  const lines = [`${path}: ${s.format}`, `  dt        ${s.dt === null ? '– (not stored / event-driven)' : `${s.dt} ms`}`, `  duration  ${num(s.durationMs)} ms`];
  const rows = [['population', 'neurons', 'active', 'spikes', 'rate (Hz)', 'first (ms)', 'last (ms)']];
  for (const p of s.populations) rows.push([p.name, String(p.size), String(p.activeNeurons), String(p.spikes), num(p.meanRateHz), num(p.firstMs), num(p.lastMs)]);
  lines.push('', table(rows));
  for (const n of s.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

function nirText(path: string, s: NirSummary): string {
  const lines = [`${path}: NIR graph (version ${s.version}), ${s.nodes.length} nodes, ${s.edges.length} edges`, ''];
  const rows = [['node', 'type', 'parameters (shape, dtype, value if all equal)']];
  for (const n of s.nodes) {
    const params = Object.entries(n.params)
      .map(([k, p]) => `${k} (${p.shape.join('×') || 'scalar'}${p.dtype ? ` ${p.dtype}` : ''}${p.value !== undefined && p.shape.length <= 1 ? ` = ${num(p.value, 6)}` : ''})`)
      .join(', ');
    rows.push([n.id, n.type, params]);
  }
  lines.push(table(rows, 3), '', 'edges:');
  for (const [a, b] of s.edges) lines.push(`  ${a} → ${b}`);
  const meta = Object.entries(s.metadata);
  if (meta.length) {
    lines.push('', 'metadata:');
    for (const [k, v] of meta) lines.push(`  ${k}: ${v}`);
  }
  return lines.join('\n');
}

export function snnText(path: string, s: SnnFileSummary): string {
  const what = s.format === 'snn-model' ? 'trained model' : 'training checkpoint';
  const lines = [`${path}: snn ${what}`];
  for (const [k, v] of Object.entries(s.fields)) lines.push(`  ${k.padEnd(18)} ${String(v)}`);
  if (s.arrays.length) {
    const rows = [['array', 'type', 'values', 'shape', 'mean', 'std', 'min', 'median', 'max', 'zeros']];
    const g = (x: number | undefined) => (x === undefined ? '' : Number(x.toPrecision(4)).toString());
    for (const a of s.arrays) {
      const st = a.stats;
      rows.push([a.name, a.type, String(a.length), a.shape ? a.shape.join(' × ') : '', g(st?.mean), g(st?.std), g(st?.min), g(st?.median), g(st?.max), st ? `${(100 * st.zeroFraction).toFixed(1)} %` : '']);
    }
    lines.push('', table(rows, 2));
  }
  return lines.join('\n');
}

function render(path: string, s: FileSummary): string {
  if (s.format === 'nir') return nirText(path, s as NirSummary);
  if (s.format === 'snn-model' || s.format === 'snn-checkpoint') return snnText(path, s as SnnFileSummary);
  return spikeText(path, s as SpikeSummary);
}

function inspector(kind: FileKind): FileInspector {
  return {
    format: kind,
    detect: (head) => detectKind(head) === kind,
    async inspect(path, options): Promise<InspectResult> {
      const s = await summarizeFile(path, kind, options.dt !== undefined ? { dt: options.dt } : {});
      return { format: s.format, json: { ...s } as unknown as Record<string, unknown>, text: render(path, s) };
    },
  };
}

/** One inspector per kind of first bytes (HDF5 covers NIR, NIRData and NWB, told apart by content). */
export const formatInspectors: FileInspector[] = (['hdf5', 'aedat2', 'aedat4', 'npy', 'csv', 'spikesourcearray', 'spike-json', 'snn-model', 'snn-checkpoint'] as const).map(inspector);
