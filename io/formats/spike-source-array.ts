/**
 * PyNN / sPyNNaker `SpikeSourceArray` input as JSON: an array with one entry per population,
 * `{ "population": name, "spike_times": [[t_ms, …] per neuron] }`, times in ms (PyNN's unit) and
 * sorted per neuron. Load in PyNN with
 * `sim.Population(len(e["spike_times"]), sim.SpikeSourceArray(spike_times=e["spike_times"]))`;
 * sPyNNaker rounds each time to its machine step (1 ms or 0.1 ms) itself.
 * JSON numbers print float64 exactly, so times round-trip unchanged.
 */
import { SnnError } from '../../engine/errors.js';
import { readFileBytes, writeFileAtomic } from './file-io.js';
import type { SpikeFormat } from './registry.js';
import { maxTime, sortOrder, validateSpikeData, type SpikeData, type SpikePopulation } from './spike-data.js';

export interface SpikeSourceArrayEntry {
  population: string;
  spike_times: number[][];
}

export function encodeSpikeSourceArray(data: SpikeData): SpikeSourceArrayEntry[] {
  validateSpikeData(data);
  return data.populations.map((p) => {
    const perNeuron: number[][] = Array.from({ length: p.size }, () => []);
    const order = sortOrder(p.times, p.ids);
    for (let i = 0; i < order.length; i++) perNeuron[p.ids[order[i]!]!]!.push(p.times[order[i]!]!);
    return { population: p.name, spike_times: perNeuron };
  });
}

export function decodeSpikeSourceArray(json: unknown): SpikeData {
  const bad = (what: string) => new SnnError('io.corrupt', `SpikeSourceArray JSON: ${what}`, 'expected [{"population": name, "spike_times": [[t_ms, ...], ...]}, ...]');
  if (!Array.isArray(json)) throw bad('top level is not an array');
  const populations: SpikePopulation[] = json.map((e: unknown, k) => {
    if (typeof e !== 'object' || e === null) throw bad(`entry ${k} is not an object`);
    const { population, spike_times: st } = e as Record<string, unknown>;
    if (typeof population !== 'string') throw bad(`entry ${k} has no string "population"`);
    if (!Array.isArray(st)) throw bad(`entry ${k} has no "spike_times" array`);
    let n = 0;
    for (const ts of st) {
      if (!Array.isArray(ts)) throw bad(`population '${population}': spike_times must hold one array per neuron`);
      for (const t of ts) if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw bad(`population '${population}' has spike time ${JSON.stringify(t)}`);
      n += ts.length;
    }
    const times = new Float64Array(n);
    const ids = new Int32Array(n);
    let i = 0;
    (st as number[][]).forEach((ts, id) => {
      for (const t of ts) {
        times[i] = t;
        ids[i++] = id;
      }
    });
    return { name: population, size: st.length, times, ids };
  });
  const names = new Set(populations.map((p) => p.name));
  if (names.size !== populations.length) throw bad('duplicate population names');
  let duration = 0;
  for (const p of populations) duration = Math.max(duration, maxTime(p.times));
  return { populations, dt: null, durationMs: duration };
}

export const spikeSourceArrayFormat: SpikeFormat = {
  name: 'spikesourcearray',
  extensions: ['.json'],
  description: 'PyNN/SpiNNaker SpikeSourceArray JSON: spike_times per neuron in ms',
  async write(data, path) {
    const text = JSON.stringify(encodeSpikeSourceArray(data));
    await writeFileAtomic(path, new TextEncoder().encode(`${text}\n`));
  },
  async read(path) {
    const text = new TextDecoder('utf-8').decode(await readFileBytes(path));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new SnnError('io.corrupt', `not valid JSON: ${(err as Error).message}`, 'check the file');
    }
    return decodeSpikeSourceArray(json);
  },
  detect(first) {
    return /^\s*\[\s*(\{\s*"population"|\])/.test(new TextDecoder('latin1').decode(first));
  },
};
