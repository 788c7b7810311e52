/**
 * What `snn export SOURCE` was given, told apart by content (not by name):
 *
 *   native trace (magic SNNTRACE)       → spikes (io/trace-reader.ts; `allowPartial` reads a damaged
 *                                          or unfinished trace up to its last intact chunk)
 *   snn model file (magic SNNMODL1) or
 *   a run directory with model.snnmodel → trained model (NIR export only)
 *   zoo:NAME                            → network description (NIR export only)
 *   JSON/YAML with a "populations" list → network description (NIR export only)
 *   other JSON                          → simulate's spike JSON (json-spikes-source.ts)
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../../engine/errors.js';
import { fsError } from '../atomic.js';
import { MODEL_MAGIC } from '../checkpoint.js';
import { isTraceMagic } from '../trace-format.js';
import { readTrace } from '../trace-reader.js';
import { loadJsonSpikes, type JsonSourceOptions } from './json-spikes-source.js';
import type { SpikeData } from './spike-data.js';

export type ExportSourceKind = 'trace' | 'model' | 'zoo' | 'description' | 'spike-json';

function head(path: string, n: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } catch (err) {
    return fsError(err, path, 'read');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function classifyExportSource(path: string): ExportSourceKind {
  if (path.startsWith('zoo:')) return 'zoo';
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    fsError(err, path, 'read');
  }
  if (isDir) {
    if (existsSync(join(path, 'model.snnmodel'))) return 'model';
    throw new SnnError('usage', `${path} is a directory without model.snnmodel`, 'give a run directory of a finished snn train, a trace, a spike JSON or a network description');
  }
  const h = head(path, 4096);
  if (isTraceMagic(h)) return 'trace';
  if (h.subarray(0, 8).toString('latin1') === MODEL_MAGIC) return 'model';
  if (/\.ya?ml$/i.test(path)) return 'description';
  // Descriptions list populations in an array; spike JSON maps names to {spikes} or has "spikes".
  if (/"populations"\s*:\s*\[/.test(h.toString('utf8'))) return 'description';
  if (statSync(path).size <= 16 * 2 ** 20) {
    try {
      const v = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
      if (v && typeof v === 'object' && Array.isArray(v['populations'])) return 'description';
    } catch {
      // Not JSON: the spike-JSON loader reports it with the position of the error.
    }
  }
  return 'spike-json';
}

export interface SpikeSourceOptions extends JsonSourceOptions {
  /** Native traces: read up to the last intact chunk instead of failing. */
  allowPartial?: boolean;
}

/** A native trace as SpikeData (sizes, dt and duration from its header and end record). */
export function traceToSpikeData(path: string, allowPartial = false): SpikeData {
  const t = readTrace(path, { allowPartial });
  let last = 0;
  for (const p of t.populations) for (const x of p.times) if (x > last) last = x;
  const tStop = t.end?.tStop ?? null;
  return {
    populations: t.populations.map((p) => ({ name: p.name, size: p.size, times: p.times, ids: p.ids })),
    dt: t.header.dt,
    durationMs: tStop !== null && tStop >= last ? tStop : last,
  };
}

/** Spikes from a trace or a spike JSON; anything else is a usage error naming what it is. */
export async function loadSpikeSource(path: string, opts: SpikeSourceOptions = {}): Promise<SpikeData> {
  const kind = classifyExportSource(path);
  if (kind === 'trace') return traceToSpikeData(path, opts.allowPartial);
  if (kind === 'spike-json') return loadJsonSpikes(path, opts);
  throw new SnnError('usage', `${path} is a ${kind === 'model' ? 'trained model' : 'network description'}, not recorded spikes`, 'use --format nir to export a model or network; spike formats need a trace or a spike JSON');
}
