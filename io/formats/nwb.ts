/**
 * NWB 2.x spike export (HDF5): every neuron of every population is one unit of the `/units`
 * DynamicTable, so silent neurons survive the round trip.
 *
 *   /  attrs namespace="core", neurodata_type="NWBFile", nwb_version, object_id
 *      identifier, session_description, session_start_time, timestamps_reference_time (strings),
 *      file_create_date (1-D string array); empty groups acquisition, analysis, processing,
 *      stimulus/presentation, stimulus/templates, general (required by the NWBFile schema)
 *   /units  attrs namespace="core", neurodata_type="Units", object_id, description,
 *           colnames = ["spike_times", "population", "neuron"]
 *      id                 int64 ElementIdentifiers, 0…N−1
 *      spike_times        float64 VectorData, SECONDS, all units concatenated (time-sorted per unit);
 *                         attr resolution = dt in s when the run had a dt
 *      spike_times_index  uint32/uint64 VectorIndex: cumulative END offsets into spike_times;
 *                         attr target = object reference to spike_times (what hdmf writes)
 *      population, neuron VectorData columns naming each unit's population and local id
 *
 * Not written: the cached schema under /specifications (we ship no copy of the NWB/hdmf YAML schemas);
 * pynwb then reads with its own bundled core namespace and nwbinspector reports the missing cache.
 */
import { randomUUID } from 'node:crypto';
import { SnnError } from '../../engine/errors.js';
import type { FormatOptions } from './format-options.js';
import {
  createHdf5, getDataset, getGroup, getNumberAttr, getStringAttr, hasObject, isHdf5, readHdf5, readNumbers,
  readStrings, setNumberAttr, setReferenceAttr, setStringAttr, setStringsAttr, writeArray, writeInt64, writeString, writeStrings,
  type H5Dataset, type H5Group,
} from './hdf5.js';
import type { SpikeFormat } from './registry.js';
import { sortOrder, validateSpikeData, type SpikeData, type SpikePopulation } from './spike-data.js';
import { msToSeconds, secondsToMs } from './time-units.js';

export const NWB_VERSION = '2.7.0';
export const UNITS_COLNAMES = ['spike_times', 'population', 'neuron'];

/** ISO 8601 with an explicit UTC offset, as NWB requires for its datetimes. */
function isoDate(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

function typed(obj: H5Group | H5Dataset, type: string, namespace: string): void {
  setStringAttr(obj, 'namespace', namespace);
  setStringAttr(obj, 'neurodata_type', type);
  setStringAttr(obj, 'object_id', randomUUID());
}

function vectorData(obj: H5Dataset, description: string): void {
  typed(obj, 'VectorData', 'hdmf-common');
  setStringAttr(obj, 'description', description);
}

export async function writeNwb(data: SpikeData, path: string, opts: FormatOptions = {}): Promise<void> {
  validateSpikeData(data);
  const now = opts.now ?? new Date();
  // Concatenate units population by population, each unit's spikes time-sorted.
  let units = 0;
  let spikes = 0;
  for (const p of data.populations) {
    units += p.size;
    spikes += p.times.length;
  }
  const times = new Float64Array(spikes);
  const ends = new Float64Array(units);
  const unitPop: string[] = new Array<string>(units);
  const unitNeuron = new Int32Array(units);
  let u = 0;
  let k = 0;
  for (const p of data.populations) {
    const order = sortOrder(p.times, p.ids);
    // Counting sort by neuron keeps per-unit time order from `order`.
    const counts = new Int32Array(p.size + 1);
    for (let i = 0; i < p.ids.length; i++) counts[p.ids[i]! + 1]!++;
    for (let n = 0; n < p.size; n++) counts[n + 1]! += counts[n]!;
    const fill = counts.slice(0, p.size);
    for (let i = 0; i < order.length; i++) {
      const j = order[i]!;
      times[k + fill[p.ids[j]!]!++] = p.times[j]!;
    }
    for (let n = 0; n < p.size; n++, u++) {
      ends[u] = k + counts[n + 1]!;
      unitPop[u] = p.name;
      unitNeuron[u] = n;
    }
    k += p.times.length;
  }
  await createHdf5(path, (f) => {
    typed(f, 'NWBFile', 'core');
    setStringAttr(f, 'nwb_version', NWB_VERSION);
    writeStrings(f, 'file_create_date', [isoDate(now)]);
    writeString(f, 'identifier', opts.identifier ?? randomUUID());
    writeString(f, 'session_description', opts.sessionDescription ?? 'spikes exported by snn');
    writeString(f, 'session_start_time', isoDate(now));
    writeString(f, 'timestamps_reference_time', isoDate(now));
    for (const g of ['acquisition', 'analysis', 'processing', 'general']) f.create_group(g);
    const stim = f.create_group('stimulus');
    stim.create_group('presentation');
    stim.create_group('templates');

    const g = f.create_group('units', true);
    typed(g, 'Units', 'core');
    setStringAttr(g, 'description', 'simulated neurons, one unit per neuron');
    setStringsAttr(g, 'colnames', UNITS_COLNAMES);
    const ids = new Float64Array(units);
    for (let i = 0; i < units; i++) ids[i] = i;
    typed(writeInt64(g, 'id', ids), 'ElementIdentifiers', 'hdmf-common');
    const st = writeArray(g, 'spike_times', msToSeconds(times), '<d');
    vectorData(st, 'the spike times for each unit in seconds');
    if (data.dt !== null) setNumberAttr(st, 'resolution', data.dt / 1000);
    const idx = spikes <= 0xffffffff ? writeArray(g, 'spike_times_index', Uint32Array.from(ends), '<I') : writeInt64(g, 'spike_times_index', ends);
    typed(idx, 'VectorIndex', 'hdmf-common');
    setStringAttr(idx, 'description', 'Index for VectorData spike_times');
    setReferenceAttr(idx, 'target', st);
    vectorData(writeStrings(g, 'population', unitPop), 'snn population of each unit');
    vectorData(writeArray(g, 'neuron', unitNeuron, '<i'), 'neuron index of each unit within its population');
  });
}

export async function readNwb(path: string): Promise<SpikeData> {
  return readHdf5(path, 'NWB', (f) => {
    if (getStringAttr(f, 'neurodata_type') !== 'NWBFile') {
      throw new SnnError('io.format', 'root neurodata_type is not NWBFile', 'expected an NWB 2.x file');
    }
    const g = getGroup(f, 'units');
    const times = secondsToMs(readNumbers(g, 'spike_times'));
    const ends = readNumbers(g, 'spike_times_index');
    const n = ends.length;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(ends[i]) || ends[i]! < prev || ends[i]! > times.length) {
        throw new SnnError('io.corrupt', `units/spike_times_index[${i}] = ${ends[i]} is not a valid end offset`, 'the file is damaged');
      }
      prev = ends[i]!;
    }
    for (let i = 0; i < times.length; i++) {
      if (!Number.isFinite(times[i]!)) throw new SnnError('io.corrupt', `units/spike_times[${i}] is not finite`, 'the file is damaged');
    }
    // Population/neuron columns are ours; other producers' files become one population 'units'.
    let pops: string[] | null = null;
    let neurons: Float64Array | null = null;
    if (hasObject(g, 'population') && hasObject(g, 'neuron')) {
      pops = readStrings(g, 'population');
      neurons = readNumbers(g, 'neuron');
      if (pops.length !== n || neurons.length !== n) throw new SnnError('io.corrupt', 'units columns differ in length', 'the file is damaged');
    }
    const byName = new Map<string, { size: number; times: number[]; ids: number[] }>();
    let start = 0;
    for (let u = 0; u < n; u++) {
      const name = pops ? pops[u]! : 'units';
      const id = neurons ? neurons[u]! : u;
      if (!Number.isInteger(id) || id < 0 || id > 0x7ffffffe) throw new SnnError('io.corrupt', `unit ${u} has neuron index ${id}`, 'the file is damaged');
      let p = byName.get(name);
      if (!p) byName.set(name, (p = { size: 0, times: [], ids: [] }));
      p.size = Math.max(p.size, id + 1);
      for (let s = start; s < ends[u]!; s++) {
        p.times.push(times[s]!);
        p.ids.push(id);
      }
      start = ends[u]!;
    }
    const populations: SpikePopulation[] = [...byName].map(([name, p]) => ({ name, size: p.size, times: Float64Array.from(p.times), ids: Int32Array.from(p.ids) }));
    const res = getNumberAttr(getDataset(g, 'spike_times'), 'resolution');
    let duration = 0;
    for (let i = 0; i < times.length; i++) duration = Math.max(duration, times[i]!);
    return { populations, dt: res !== undefined && res > 0 && Number.isFinite(res) ? res * 1000 : null, durationMs: duration };
  });
}

export const nwbFormat: SpikeFormat = {
  name: 'nwb',
  extensions: ['.nwb'],
  description: 'NWB 2.x /units table (HDF5): spike_times in seconds with spike_times_index',
  write: (data, path, opts) => writeNwb(data, path, opts),
  read: (path) => readNwb(path),
  detect: isHdf5,
};
