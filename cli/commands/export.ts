/**
 * `snn export SOURCE --format F --out FILE [--width W] [--dt DT] ...`: convert recorded spikes into a
 * format for neuromorphic hardware or another simulator (docs/formats.md).
 *
 * SOURCE is the JSON `snn simulate --out x.json` writes ({"spikes": [[t_ms, neuron], ...]}, or
 * {"populations": {...}}). Thin: loading, conversion and writing live in io/formats/.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { SnnError } from '../../engine/errors.js';
import type { FormatOptions, Polarity } from '../../io/formats/format-options.js';
import { loadJsonSpikes } from '../../io/formats/json-spikes-source.js';
import { registerBuiltinFormats } from '../../io/formats/register-all.js';
import { formatForPath, formatNames, getFormat } from '../../io/formats/registry.js';
import { positiveInt, positiveNumber } from '../parse.js';

interface ExportFlags {
  format?: string;
  out: string;
  width?: number;
  dt?: number;
  polarity?: Polarity;
  layout?: 'dvs128' | 'davis';
  compression?: 'none' | 'lz4';
  variant?: 'tonic' | 'plain';
  size?: number;
  population?: string;
}

export function registerExport(program: Command): void {
  registerBuiltinFormats();
  program
    .command('export')
    .description('write recorded spikes as AEDAT, npy, NWB, NIRData, SpikeSourceArray, Lava or CSV')
    .argument('<source>', 'spikes JSON from `snn simulate --out x.json`')
    .requiredOption('--out <file>', 'output file')
    .option('--format <name>', `one of: ${formatNames().join(', ')} (default: from the --out extension)`)
    .option('--width <n>', 'sensor width for the id → (x, y) mapping (default 128)', positiveInt)
    .option('--dt <ms>', 'time step in ms (Lava raster; overrides the source\'s)', positiveNumber)
    .addOption(new Option('--polarity <p>', 'event polarity (AEDAT, Tonic npy)').choices(['on', 'off', 'id-parity']))
    .addOption(new Option('--layout <l>', 'AEDAT 2.0 address layout').choices(['dvs128', 'davis']))
    .addOption(new Option('--compression <c>', 'AEDAT 4.0 packet compression').choices(['none', 'lz4']))
    .addOption(new Option('--variant <v>', 'npy flavour').choices(['tonic', 'plain']))
    .option('--size <n>', 'population size of a single-population source (default: largest id + 1)', positiveInt)
    .option('--population <name>', 'population name of a single-population source', 'neurons')
    .action((source: string, flags: ExportFlags) => runExport(source, flags));
}

async function runExport(source: string, flags: ExportFlags): Promise<void> {
  const format = flags.format !== undefined ? getFormat(flags.format) : formatForPath(flags.out);
  if (!format) {
    throw new SnnError('usage', `cannot tell the format from '${flags.out}'`, `pass --format, one of: ${formatNames().join(', ')}`);
  }
  const data = await loadJsonSpikes(source, { population: flags.population, size: flags.size, dt: flags.dt });
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
