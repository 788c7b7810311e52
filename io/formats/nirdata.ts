/**
 * NIRData EventData in HDF5 (docs/formats.md, nirdata; read by `nir.read_data`):
 *
 *   /                      attr __type__ = "NIRGraphData"
 *   /nodes/<population>    attr __type__ = "NIRNodeData"
 *     observables/spikes   attr __type__ = "EventData", n_neurons (int64), t_max (float64, s)
 *       idx                int64,   shape (1, n_spikes): neuron index within the population
 *       time               float64, shape (1, n_spikes): spike time in SECONDS
 *
 * Times are seconds because NIR's exporters use SI seconds in practice (spec C2) and our conventions
 * convert at the edge. They are not snapped to any grid: off-grid (event-driven) times keep their full
 * float64 value, t_ms / 1000 correctly rounded.
 *
 * As nir's `read_data` (nir/serialization.py) reads it: it dispatches every node and observable group
 * on its own `__type__` attribute, and EventData's idx/time are (n_samples, n_events) — here one
 * sample, no −1 / inf padding (docs/formats.md). Our reader accepts 1-D idx/time as well.
 */
import { SnnError } from '../../engine/errors.js';
import { createHdf5, getDataset, getGroup, getNumberAttr, getStringAttr, isHdf5, readHdf5, readNumbers, setNumberAttr, setStringAttr, writeArray, writeInt64 } from './hdf5.js';
import type { SpikeFormat } from './registry.js';
import { sortOrder, validateSpikeData, type SpikeData, type SpikePopulation } from './spike-data.js';
import { msToSeconds, secondsToMs } from './time-units.js';

export const NIRDATA_ROOT_TYPE = 'NIRGraphData';

/** HDF5 link names cannot contain '/', and '.' alone means "this group". */
export function checkGroupName(name: string): void {
  if (name === '' || name === '.' || name.includes('/')) {
    throw new SnnError('usage', `population name '${name}' cannot be an HDF5 group name`, "rename it: no '/', not empty, not '.'");
  }
}

export async function writeNirData(data: SpikeData, path: string): Promise<void> {
  validateSpikeData(data);
  data.populations.forEach((p) => checkGroupName(p.name));
  await createHdf5(path, (f) => {
    setStringAttr(f, '__type__', NIRDATA_ROOT_TYPE);
    const nodes = f.create_group('nodes', true);
    for (const p of data.populations) {
      const node = nodes.create_group(p.name, true);
      setStringAttr(node, '__type__', 'NIRNodeData');
      const obs = node.create_group('observables', true).create_group('spikes', true);
      setStringAttr(obs, '__type__', 'EventData');
      setNumberAttr(obs, 'n_neurons', p.size, 'int64');
      setNumberAttr(obs, 't_max', data.durationMs / 1000);
      // Time-sorted, as event consumers (jaxsnn) expect.
      const order = sortOrder(p.times, p.ids);
      const t = new Float64Array(order.length);
      const idx = new Float64Array(order.length);
      for (let i = 0; i < order.length; i++) {
        t[i] = p.times[order[i]!]!;
        idx[i] = p.ids[order[i]!]!;
      }
      writeInt64(obs, 'idx', idx, [1, idx.length]);
      writeArray(obs, 'time', msToSeconds(t), '<d', [1, t.length]);
    }
  });
}

export async function readNirData(path: string): Promise<SpikeData> {
  return readHdf5(path, 'NIRData', (f) => {
    const type = getStringAttr(f, '__type__');
    if (type !== NIRDATA_ROOT_TYPE) {
      throw new SnnError('io.format', `root __type__ is ${JSON.stringify(type)}, not '${NIRDATA_ROOT_TYPE}'`, 'expected a NIRData file (nir.write_data)');
    }
    const nodes = getGroup(f, 'nodes');
    const populations: SpikePopulation[] = [];
    let tMax = 0;
    for (const name of nodes.keys()) {
      const obsPath = `${name}/observables/spikes`;
      if (nodes.get(obsPath) === null) continue; // a node without spike events (e.g. gridded data)
      const obs = getGroup(nodes, obsPath);
      const idxDs = getDataset(obs, 'idx');
      const shape = idxDs.shape ?? [];
      if (shape.length > 2 || (shape.length === 2 && shape[0] !== 1)) {
        throw new SnnError('io.format', `nodes/${obsPath}/idx has shape (${shape.join(', ')}); only one sample is supported`, 'export one sample per file');
      }
      const idx = readNumbers(obs, 'idx');
      const times = secondsToMs(readNumbers(obs, 'time'));
      if (idx.length !== times.length) throw new SnnError('io.corrupt', `nodes/${obsPath}: idx and time differ in length`, 'the file is damaged');
      const size = getNumberAttr(obs, 'n_neurons');
      if (size === undefined || !Number.isInteger(size) || size < 0 || size > 0x7fffffff) {
        throw new SnnError('io.corrupt', `nodes/${obsPath} has no valid n_neurons attribute`, 'the file is damaged');
      }
      const ids = new Int32Array(idx.length);
      for (let i = 0; i < idx.length; i++) {
        if (!Number.isInteger(idx[i]) || idx[i]! < 0 || idx[i]! >= size) throw new SnnError('io.corrupt', `nodes/${obsPath}: idx ${idx[i]} outside [0, ${size})`, 'the file is damaged');
        if (!Number.isFinite(times[i]!)) throw new SnnError('io.corrupt', `nodes/${obsPath}: time ${times[i]} is not finite`, 'the file is damaged');
        ids[i] = idx[i]!;
      }
      const t = getNumberAttr(obs, 't_max');
      if (t !== undefined && Number.isFinite(t)) tMax = Math.max(tMax, t * 1000);
      populations.push({ name, size, times, ids });
    }
    return { populations, dt: null, durationMs: tMax };
  });
}

export const nirDataFormat: SpikeFormat = {
  name: 'nirdata',
  extensions: ['.nirdata.h5', '.nird'],
  description: 'NIRData EventData (HDF5): per population idx (int64) and time (float64 s), off-grid exact',
  write: (data, path) => writeNirData(data, path),
  read: (path) => readNirData(path),
  detect: isHdf5,
};
