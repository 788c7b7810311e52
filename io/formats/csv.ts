/**
 * CSV: header `t_ms,population,neuron`, one spike per row, time-sorted. Times are printed with
 * JavaScript's shortest round-trip representation, so float64 times survive exactly. Population names
 * are quoted per RFC 4180 when they contain a comma, quote or line break.
 *
 * CSV cannot hold silent neurons or silent populations: the reader infers each population's size as
 * (largest id + 1) and the duration as the last spike time.
 */
import { SnnError } from '../../engine/errors.js';
import { readFileBytes, writeFileAtomic } from './file-io.js';
import type { SpikeFormat } from './registry.js';
import { flattenSpikes, maxTime, validateSpikeData, type SpikeData, type SpikePopulation } from './spike-data.js';

export const CSV_HEADER = 't_ms,population,neuron';

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function encodeCsv(data: SpikeData): string {
  validateSpikeData(data);
  for (const p of data.populations) {
    if (/[\r\n]/.test(p.name)) throw new SnnError('usage', `population name ${JSON.stringify(p.name)} contains a line break`, 'CSV rows are one line each; rename the population');
  }
  const flat = flattenSpikes(data);
  const names = flat.layout.map((l) => quote(l.name));
  // Global ids are sorted by time; map back to (population, local id) through the layout offsets.
  const popOf = new Int32Array(flat.totalSize);
  flat.layout.forEach((l, j) => popOf.fill(j, l.offset, l.offset + l.size));
  const lines: string[] = [CSV_HEADER];
  for (let i = 0; i < flat.times.length; i++) {
    const g = flat.ids[i]!;
    const j = popOf[g]!;
    lines.push(`${flat.times[i]},${names[j]},${g - flat.layout[j]!.offset}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Splits one CSV record, honouring quotes; returns null if a quote is left open. */
function splitRecord(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
    } else {
      const c = line.indexOf(',', i);
      out.push(line.slice(i, c < 0 ? line.length : c));
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    if (line[i] !== ',') return null;
    i++;
  }
}

export function decodeCsv(text: string): SpikeData {
  const lines = text.split(/\r?\n/);
  const bad = (row: number, what: string) =>
    new SnnError('io.corrupt', `CSV line ${row + 1}: ${what}`, `expected rows of ${CSV_HEADER}`);
  if (lines[0]?.replace(/^\uFEFF/, '').trim() !== CSV_HEADER) {
    throw new SnnError('io.format', `CSV header is not '${CSV_HEADER}'`, 'check --format or the file');
  }
  const byName = new Map<string, { times: number[]; ids: number[]; max: number }>();
  for (let r = 1; r < lines.length; r++) {
    const line = lines[r]!;
    if (line === '') continue;
    const f = splitRecord(line);
    if (!f || f.length !== 3) throw bad(r, 'expected 3 fields');
    const t = Number(f[0]);
    const id = Number(f[2]);
    if (f[0]!.trim() === '' || !Number.isFinite(t) || t < 0) throw bad(r, `bad time '${f[0]}'`);
    if (f[2]!.trim() === '' || !Number.isInteger(id) || id < 0 || id > 0x7ffffffe) throw bad(r, `bad neuron id '${f[2]}'`);
    let p = byName.get(f[1]!);
    if (!p) byName.set(f[1]!, (p = { times: [], ids: [], max: -1 }));
    p.times.push(t);
    p.ids.push(id);
    if (id > p.max) p.max = id;
  }
  const populations: SpikePopulation[] = [...byName].map(([name, p]) => ({
    name,
    size: p.max + 1,
    times: Float64Array.from(p.times),
    ids: Int32Array.from(p.ids),
  }));
  let duration = 0;
  for (const p of populations) duration = Math.max(duration, maxTime(p.times));
  return { populations, dt: null, durationMs: duration };
}

export const csvFormat: SpikeFormat = {
  name: 'csv',
  extensions: ['.csv'],
  description: 'CSV with header t_ms,population,neuron (exact float64 times)',
  async write(data, path) {
    await writeFileAtomic(path, new TextEncoder().encode(encodeCsv(data)));
  },
  async read(path) {
    const bytes = await readFileBytes(path);
    return decodeCsv(new TextDecoder('utf-8').decode(bytes));
  },
  detect(first) {
    return new TextDecoder('latin1').decode(first.subarray(0, CSV_HEADER.length + 3)).replace(/^\uFEFF|^ï»¿/, '').startsWith(CSV_HEADER);
  },
};
