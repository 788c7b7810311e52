/**
 * Loads the JSON spike files `snn simulate --out x.json` writes, as SpikeData for the exporters:
 *   single population: { "spikes": [[t_ms, neuron], ...] }
 *   several:           { "populations": { "<name>": { "spikes": [[t_ms, neuron], ...] }, ... } }
 * Optional top-level "dt" (ms) and "duration" (ms). The files carry no population sizes, so a size
 * is (largest id + 1) unless the caller passes one.
 */
import { SnnError } from '../../engine/errors.js';
import { readFileBytes } from './file-io.js';
import { maxTime, type SpikeData, type SpikePopulation } from './spike-data.js';

export interface JsonSourceOptions {
  /** Name of the population of a single-population file. Default 'neurons'. */
  population?: string;
  /** Size of the single population (≥ largest id + 1). */
  size?: number;
  /** dt in ms when the file has none. */
  dt?: number;
}

const hint = 'expected {"spikes": [[t_ms, neuron], ...]} or {"populations": {"NAME": {"spikes": [...]}}}';

function toPopulation(name: string, spikes: unknown, size: number | undefined): SpikePopulation {
  if (!Array.isArray(spikes)) throw new SnnError('io.corrupt', `"spikes" of '${name}' is not an array`, hint);
  const times = new Float64Array(spikes.length);
  const ids = new Int32Array(spikes.length);
  let max = -1;
  spikes.forEach((s: unknown, i) => {
    const pair = s as unknown[];
    if (!Array.isArray(s) || pair.length < 2 || typeof pair[0] !== 'number' || !Number.isInteger(pair[1]) || !Number.isFinite(pair[0]) || pair[0] < 0 || (pair[1] as number) < 0 || (pair[1] as number) > 0x7ffffffe) {
      throw new SnnError('io.corrupt', `spike ${i} of '${name}' is not [t_ms ≥ 0, neuron ≥ 0]: ${JSON.stringify(s)}`, hint);
    }
    times[i] = pair[0];
    ids[i] = pair[1] as number;
    if (ids[i]! > max) max = ids[i]!;
  });
  if (size !== undefined && size <= max) throw new SnnError('usage', `--size ${size} is too small for neuron id ${max}`, `use --size ${max + 1} or more`);
  return { name, size: size ?? max + 1, times, ids };
}

export function spikeDataFromJson(json: unknown, opts: JsonSourceOptions = {}): SpikeData {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SnnError('io.corrupt', 'spike JSON is not an object', hint);
  const o = json as Record<string, unknown>;
  let populations: SpikePopulation[];
  if ('spikes' in o) populations = [toPopulation(opts.population ?? 'neurons', o['spikes'], opts.size)];
  else if (typeof o['populations'] === 'object' && o['populations'] !== null) {
    populations = Object.entries(o['populations'] as Record<string, unknown>).map(([name, p]) =>
      toPopulation(name, (p as Record<string, unknown> | null)?.['spikes'], undefined),
    );
  } else throw new SnnError('io.corrupt', 'spike JSON has neither "spikes" nor "populations"', hint);
  const dtIn = typeof o['dt'] === 'number' ? o['dt'] : opts.dt;
  const dt = dtIn !== undefined && Number.isFinite(dtIn) && dtIn > 0 ? dtIn : null;
  let last = 0;
  for (const p of populations) last = Math.max(last, maxTime(p.times));
  const duration = typeof o['duration'] === 'number' && Number.isFinite(o['duration']) && o['duration'] >= last ? o['duration'] : last;
  return { populations, dt, durationMs: duration };
}

export async function loadJsonSpikes(path: string, opts: JsonSourceOptions = {}): Promise<SpikeData> {
  const text = new TextDecoder('utf-8').decode(await readFileBytes(path));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SnnError('io.corrupt', `${path} is not valid JSON: ${(err as Error).message}`, hint);
  }
  return spikeDataFromJson(json, opts);
}
