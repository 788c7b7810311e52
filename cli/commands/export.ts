/**
 * `snn export SOURCE --format F --out FILE [--width W] [--dt DT] ...`: convert recorded spikes into a
 * format for neuromorphic hardware or another simulator (docs/formats.md).
 *
 * SOURCE (told apart by content, io/formats/export-source.ts): a native trace (.snntrace; with
 * --allow-partial an unfinished or damaged one up to its last intact chunk), the spike JSON of
 * `snn simulate --out x.json`, or — for `--format nir` — a network description (JSON/YAML, zoo:NAME)
 * or a trained model (run directory or .snnmodel). Thin: loading, conversion and writing live in io/formats/.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { extname } from 'node:path';
import { Option } from 'commander';
import { SnnError } from '../../engine/errors.js';
import type { FormatOptions, Polarity } from '../../io/formats/format-options.js';
import { classifyExportSource, loadSpikeSource } from '../../io/formats/export-source.js';
import { exportDescriptionNir, exportTrainedModelNir, type NirExportResult } from '../../io/formats/nir.js';
import { loadDescription } from '../../io/load-description.js';
import { loadZooModel } from '../../models/zoo/index.js';
import { registerBuiltinFormats } from '../../io/formats/register-all.js';
import { formatForPath, formatNames, getFormat } from '../../io/formats/registry.js';
import { neuronList, nonNegativeNumber, positiveInt, positiveNumber } from '../parse.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { readTrace } from '../../io/trace-reader.js';
import { stateCsv, stateNpy, stateTable } from '../../io/state-export.js';

interface ExportFlags {
  format?: string;
  out?: string;
  width?: number;
  dt?: number;
  polarity?: Polarity;
  layout?: 'dvs128' | 'davis';
  compression?: 'none' | 'lz4';
  variant?: 'tonic' | 'plain';
  size?: number;
  population?: string;
  allowPartial?: boolean;
  neurons?: number;
  state?: string;
  ids?: number[];
  from?: number;
  to?: number;
}

export function registerExport(program: Command): void {
  registerBuiltinFormats();
  program
    .command('export')
    .description('write recorded spikes as AEDAT, npy, NWB, NIRData, SpikeSourceArray, Lava or CSV, or a network / trained model as NIR')
    .argument('<source>', 'a trace, the spikes JSON of `snn simulate --out x.json`, or (for --format nir) a network description, zoo:NAME, a run directory or a .snnmodel')
    .option('--out <file>', 'output file (default: beside the source, named after it, with the format\'s extension; a run directory gets model.nir)')
    .option('--format <name>', `one of: nir, ${formatNames().join(', ')} (default: from the --out extension; required without --out)`)
    .option('--width <n>', 'sensor width for the id → (x, y) mapping (default 128)', positiveInt)
    .option('--dt <ms>', 'time step in ms (Lava raster; default: the source\'s)', positiveNumber)
    .addOption(new Option('--polarity <p>', 'event polarity (AEDAT, Tonic npy; default on)').choices(['on', 'off', 'id-parity']))
    .addOption(new Option('--layout <l>', 'AEDAT 2.0 address layout (default dvs128)').choices(['dvs128', 'davis']))
    .addOption(new Option('--compression <c>', 'AEDAT 4.0 packet compression (default none)').choices(['none', 'lz4']))
    .addOption(new Option('--variant <v>', 'npy flavour (default tonic)').choices(['tonic', 'plain']))
    .option('--size <n>', 'population size of a single-population source (default: largest id + 1)', positiveInt)
    .option('--population <name>', 'population name of a single-population source', 'neurons')
    .option('--allow-partial', 'read an unfinished or damaged trace up to its last intact chunk')
    .option('--neurons <n>', 'size of a zoo:NAME network (NIR export; default: the model\'s own size)', positiveInt)
    .option('--state <var>', 'write the recorded state variable VAR (e.g. v) of a trace instead of spikes (--format csv or npy; default: spikes)')
    .option('--ids <ids>', "with --state: only these neurons, e.g. '0,1,2' or '0-9' (default: every recorded one)", neuronList)
    .option('--from <ms>', 'with --state: first sample time (ms; default 0)', nonNegativeNumber)
    .option('--to <ms>', 'with --state: samples before this time (ms; default: to the end)', nonNegativeNumber)
    .action((source: string, flags: ExportFlags, cmd: Command) => (flags.state !== undefined ? runStateExport(source, flags, cmd.getOptionValueSource('population') === 'default') : runExport(source, flags)));
}

/**
 * Where an export goes when --out is not given: beside the source with the format's extension
 * (`a.snntrace` → `a.aedat4`), or into a run directory (`RUN_DIR/model.nir`).
 */
export function defaultExportPath(source: string, format: string, extension: string): string {
  if (existsSync(source) && statSync(source).isDirectory()) return join(source, `${format === 'nir' ? 'model' : 'spikes'}${extension}`);
  const dir = dirname(source);
  const base = basename(source).replace(/\.[^.]+$/, '') || 'export';
  return join(dir, `${base}${extension}`);
}

async function runExport(source: string, flags: ExportFlags): Promise<void> {
  if (flags.out === undefined) {
    if (flags.format === undefined) throw new SnnError('usage', 'give --format or --out', `for example --format nir or --out spikes.aedat4; formats: nir, ${formatNames().join(', ')}`);
    const ext = flags.format.toLowerCase() === 'nir' ? '.nir' : getFormat(flags.format).extensions[0]!;
    flags.out = defaultExportPath(source.startsWith('zoo:') ? source.replace(':', '-') : source, flags.format.toLowerCase(), ext);
  }
  if (flags.format?.toLowerCase() === 'nir' || (flags.format === undefined && flags.out.toLowerCase().endsWith('.nir'))) return runNirExport(source, flags as ExportFlags & { out: string });
  const format = flags.format !== undefined ? getFormat(flags.format) : formatForPath(flags.out);
  if (!format) {
    throw new SnnError('usage', `cannot tell the format from '${flags.out}'`, `pass --format, one of: ${formatNames().join(', ')}`);
  }
  const data = await loadSpikeSource(source, { population: flags.population, size: flags.size, dt: flags.dt, allowPartial: flags.allowPartial });
  const opts: FormatOptions = {};
  if (flags.width !== undefined) opts.width = flags.width;
  if (flags.dt !== undefined) opts.dt = flags.dt;
  if (flags.polarity !== undefined) opts.polarity = flags.polarity;
  if (flags.layout !== undefined) opts.layout = flags.layout;
  if (flags.compression !== undefined) opts.compression = flags.compression;
  if (flags.variant !== undefined) opts.variant = flags.variant;
  await format.write(data, flags.out, opts);
  let spikes = 0;
  for (const p of data.populations) spikes += p.times.length;
  process.stdout.write(`wrote ${flags.out} (${format.name}, ${spikes} spikes, ${data.populations.length} population${data.populations.length === 1 ? '' : 's'})\n`);
}

async function runNirExport(source: string, flags: ExportFlags & { out: string }): Promise<void> {
  const kind = classifyExportSource(source);
  let res: NirExportResult;
  if (kind === 'model') res = await exportTrainedModelNir(source, flags.out);
  else if (kind === 'zoo') res = await exportDescriptionNir(loadZooModel(source, flags.neurons !== undefined ? { neurons: flags.neurons } : {}).description, flags.out);
  else if (kind === 'description') res = await exportDescriptionNir(loadDescription(source).description, flags.out);
  else {
    throw new SnnError('usage', `${source} holds recorded spikes, not a network`, 'NIR export takes a network description, zoo:NAME, a run directory or a .snnmodel; for spikes use --format nirdata');
  }
  for (const note of res.lossy) process.stderr.write(`note: not exact in NIR: ${note}\n`);
  process.stdout.write(`wrote ${flags.out} (nir, ${res.nodes} nodes, ${res.edges} edges${res.lossy.length ? `, ${res.lossy.length} approximation note${res.lossy.length === 1 ? '' : 's'} in its metadata` : ''})\n`);
}

/** `--state VAR`: the recorded samples of one state variable as CSV or .npy (io/state-export.ts). */
function runStateExport(source: string, flags: ExportFlags, defaultPopulation: boolean): void {
  if (flags.out === undefined) {
    if (flags.format === undefined) throw new SnnError('usage', 'give --format csv|npy or --out', 'for example --state v --format csv');
    flags.out = defaultExportPath(source, 'state', `.${flags.state}.${flags.format.toLowerCase()}`);
  }
  const out = flags.out;
  const format = (flags.format ?? extname(out).slice(1)).toLowerCase();
  if (format !== 'csv' && format !== 'npy') throw new SnnError('usage', `state variables are written as csv or npy, not '${format || flags.out}'`, 'pass --format csv or --format npy, or name the output .csv or .npy');
  const trace = readTrace(source, { allowPartial: flags.allowPartial });
  const table = stateTable(trace, { variable: flags.state!, populations: defaultPopulation || !flags.population ? undefined : [flags.population], neurons: flags.ids, from: flags.from, to: flags.to });
  writeFileAtomic(out, format === 'csv' ? stateCsv(table) : stateNpy(table));
  process.stdout.write(`wrote ${out} (${format}, ${table.variable} of ${table.neurons.length} neuron${table.neurons.length === 1 ? '' : 's'} of ${table.population}, ${table.times.length} samples)\n`);
}
