/**
 * Event recordings (AEDAT 2/4, npy, or any spike format of the registry) → a `spike-source-array`
 * population in a network description, for `snn import`. Every population of the file is merged
 * into one flat address space (global id = population offset + id, as the exporters write it).
 *
 * Times: t' = (t − t₀)·timeScale + offset, with t₀ the first event's time when `startAtZero`
 * (AEDAT 4.0 from a camera holds Unix-epoch µs), else 0. Negative times are refused.
 * With `into`, the population is added to that description (or, when it names an existing
 * spike-source-array such as the empty Input of an imported NIR graph, fills that one in place),
 * optionally connected to `connectTo` (one-to-one when the sizes match, else dense) with weight
 * `weights` on the target's first channel.
 */
import { SnnError } from '../../engine/errors.js';
import { lifParamsOf } from '../../models/build-network.js';
import { parseDescription, type NetworkDescription, type PopulationDescription, type ProjectionDescription } from '../../models/description.js';
import { lifChannels } from '../../models/lif.js';
import type { FormatOptions } from './format-options.js';
import { getFormat } from './registry.js';
import { flattenSpikes, type SpikeData } from './spike-data.js';

export interface EventImportOptions {
  /** Population name (default 'input'). */
  population?: string;
  /** Population size (default: the file's neuron count, or largest id + 1). */
  size?: number;
  startAtZero?: boolean;
  timeScale?: number;
  /** ms added after scaling. */
  offsetMs?: number;
  /** dt of the new description (default: the file's, else 0.1 ms). */
  dt?: number;
  /** Description to add the population to. */
  into?: NetworkDescription;
  connectTo?: string;
  weights?: number;
  channel?: 'v' | 'exc' | 'inh';
  /** Passed to the format's reader (width for AEDAT 2.0 / npy, dt for Lava). */
  read?: FormatOptions;
}

export interface EventImport {
  description: NetworkDescription;
  spikes: number;
  population: string;
}

export function spikeDataToDescription(data: SpikeData, opts: EventImportOptions = {}): EventImport {
  const name = opts.population ?? 'input';
  const flat = flattenSpikes(data);
  let maxId = -1;
  for (const id of flat.ids) if (id > maxId) maxId = id;
  const size = opts.size ?? Math.max(flat.totalSize, maxId + 1, 1);
  if (maxId >= size) throw new SnnError('usage', `--size ${size} is too small for neuron id ${maxId}`, `use --size ${maxId + 1} or more`);
  const scale = opts.timeScale ?? 1;
  const offset = opts.offsetMs ?? 0;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new SnnError('usage', `time scale must be a finite number > 0, got ${scale}`, 'pass e.g. --time-scale 0.001');
  const t0 = opts.startAtZero && flat.times.length > 0 ? flat.times[0]! : 0;
  const spikes: [number, number][] = new Array(flat.times.length);
  let last = 0;
  for (let i = 0; i < flat.times.length; i++) {
    const t = (flat.times[i]! - t0) * scale + offset;
    if (!(t >= 0) || !Number.isFinite(t)) throw new SnnError('usage', `event ${i} would start at ${t} ms`, 'spike times must be ≥ 0: use --start-at-zero or a larger --offset');
    spikes[i] = [t, flat.ids[i]!];
    if (t > last) last = t;
  }
  const population: PopulationDescription = { name, model: 'spike-source-array', size, spikes };
  const dt = opts.dt ?? opts.into?.dt ?? data.dt ?? 0.1;
  let desc: Record<string, unknown>;
  const recorded = Math.max(last + dt, (data.durationMs - t0) * scale + offset);
  if (opts.into) {
    const base = opts.into;
    const existing = base.populations.find((p) => p.name === name);
    if (existing && existing.model !== 'spike-source-array') throw new SnnError('usage', `the network already has a population '${name}' (${existing.model})`, 'pick another name with --population');
    const projections: ProjectionDescription[] = [...(base.projections ?? [])];
    if (opts.connectTo !== undefined) {
      const target = base.populations.find((p) => p.name === opts.connectTo);
      if (!target) throw new SnnError('usage', `--connect-to names '${opts.connectTo}', which is not in the network`, `known populations: ${base.populations.map((p) => p.name).join(', ')}`);
      if (target.model !== 'lif') throw new SnnError('usage', `'${target.name}' is a spike source and takes no input`, 'connect to a LIF population');
      const channel = opts.channel ?? lifChannels(lifParamsOf(target).synapse)[0]! as 'v' | 'exc' | 'inh';
      projections.push({ name: `${name}->${target.name}`, from: name, to: target.name, channel, connectivity: target.size === size ? 'one-to-one' : 'dense', weights: opts.weights ?? 1 });
    }
    if (existing) {
      // Fill an existing spike source (e.g. the empty Input of an imported NIR graph) in place.
      const keep = opts.size ?? existing.size;
      if (maxId >= keep) throw new SnnError('usage', `population '${name}' has ${keep} neurons but the recording uses id ${maxId}`, 'pass --width to map pixels differently, or --size');
      const filled: PopulationDescription = { ...population, size: keep };
      desc = { ...base, populations: base.populations.map((p) => (p.name === name ? filled : p)), projections };
    } else desc = { ...base, populations: [population, ...base.populations], projections };
    // The network runs at least as long as the recording, so no imported spike is cut off.
    desc.duration = Math.max(base.duration ?? 0, recorded);
  } else {
    desc = { dt, duration: recorded, populations: [population], record: { spikes: true } };
  }
  return { description: parseDescription(desc, 'imported network'), spikes: spikes.length, population: name };
}

/** Reads an event file with the registry's reader for `format` and builds the description. */
export async function importEvents(path: string, format: string, opts: EventImportOptions = {}): Promise<EventImport> {
  const data = await getFormat(format).read(path, opts.read ?? {});
  return spikeDataToDescription(data, opts);
}
