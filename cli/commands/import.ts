/**
 * `snn import FILE --out NET.json [--format F] ...`: turn another tool's file into a network
 * description that `snn simulate` runs (docs/formats.md § import).
 *
 *   --format nir                      NIR graph → description (io/formats/nir-to-description.ts)
 *   --format aedat2|aedat4|npy|...    event recording → a spike-source-array population, alone or
 *                                     added to --into NET.json (optionally --connect-to POP --weights W)
 *
 * Thin: reading and mapping live in io/formats/.
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { SnnError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { detectImportFormat } from '../../io/formats/file-summary.js';
import { importEvents } from '../../io/formats/import-events.js';
import { readNir } from '../../io/formats/nir.js';
import { registerBuiltinFormats } from '../../io/formats/register-all.js';
import { formatForPath, formatNames } from '../../io/formats/registry.js';
import { loadDescription } from '../../io/load-description.js';
import { positiveInt, positiveNumber } from '../parse.js';

interface ImportFlags {
  out: string;
  format?: string;
  population?: string;
  size?: number;
  width?: number;
  dt?: number;
  offset?: number;
  timeScale?: number;
  startAtZero?: boolean;
  into?: string;
  connectTo?: string;
  weights?: number;
  channel?: 'v' | 'exc' | 'inh';
  spikeStep?: number;
  splitMax?: number;
}

function finiteNumber(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x)) throw new InvalidArgumentError(`expected a number, got '${value}'.`);
  return x;
}

export function registerImport(program: Command): void {
  registerBuiltinFormats();
  program
    .command('import')
    .description('turn a NIR graph or an event recording (AEDAT, npy, ...) into a network description for snn simulate')
    .argument('<file>', 'a .nir model graph, or an event/spike file')
    .requiredOption('--out <file>', 'network description to write (JSON; required)')
    .option('--format <name>', `nir, or a spike format: ${formatNames().join(', ')} (default: from the file's content, else its extension)`)
    .option('--population <name>', 'name of the spike-source population (default input)')
    .option('--size <n>', 'neurons of the spike-source population (default: from the file)', positiveInt)
    .option('--width <n>', 'sensor width for (x, y) → id = y·width + x (AEDAT 2.0, npy; default 128)', positiveInt)
    .option('--dt <ms>', 'time step of the description (and of a Lava raster; default: the --into network\'s, else the recording\'s, else 0.1)', positiveNumber)
    .option('--offset <ms>', 'ms added to every event time (after --time-scale; default 0)', finiteNumber)
    .option('--time-scale <x>', 'factor applied to event times (ms) before --offset (default 1)', positiveNumber)
    .option('--start-at-zero', 'shift times so that the first event is at 0 (camera recordings in Unix time)')
    .option('--into <net>', 'add the population to this network description (JSON/YAML; default: a description of the population alone)')
    .option('--connect-to <pop>', 'with --into: connect the new population to this LIF population (default: not connected)')
    .option('--weights <w>', 'with --connect-to: synaptic weight (default 1)', finiteNumber)
    .addOption(new Option('--channel <c>', 'with --connect-to: input channel (default: the target\'s first)').choices(['v', 'exc', 'inh']))
    .option('--spike-step <ms>', 'NIR: spikes are 1 for one step of this many ms (snnTorch-style r = tau/dt files; default: unit-area impulses)', positiveNumber)
    .option('--split-max <n>', 'NIR: split a node whose thresholds (τ, v_leak, v_reset) differ per neuron into at most N populations of equal parameters (default 1: no split)', positiveInt)
    .action((file: string, flags: ImportFlags) => runImport(file, flags));
}

async function runImport(file: string, flags: ImportFlags): Promise<void> {
  // Content first (as `snn inspect` does), then the extension: a renamed file still imports.
  const format = flags.format?.toLowerCase() ?? (await detectImportFormat(file)) ?? (file.toLowerCase().endsWith('.nir') ? 'nir' : formatForPath(file)?.name);
  if (format === undefined) throw new SnnError('usage', `cannot tell the format of '${file}'`, `pass --format: nir, ${formatNames().join(', ')}`);
  if (format === 'nir') {
    if (flags.into !== undefined) throw new SnnError('usage', '--into works with event recordings, not NIR graphs', 'import the NIR graph on its own');
    const { description, notes } = await readNir(file, { ...(flags.spikeStep !== undefined ? { spikeStepMs: flags.spikeStep } : {}), ...(flags.splitMax !== undefined ? { splitMax: flags.splitMax } : {}) });
    // Compact: dense weight matrices indented one number per line would be enormous.
    writeFileAtomic(flags.out, `${JSON.stringify(description)}\n`);
    for (const n of notes) process.stderr.write(`note: ${n}\n`);
    const lif = description.populations.filter((p) => p.model === 'lif').length;
    process.stdout.write(`wrote ${flags.out} (${description.populations.length} populations, ${lif} LIF, ${description.projections?.length ?? 0} projections)\n`);
    return;
  }
  if (flags.connectTo !== undefined && flags.into === undefined) throw new SnnError('usage', '--connect-to needs --into NET.json', 'name the network to add the population to');
  const res = await importEvents(file, format, {
    population: flags.population,
    size: flags.size,
    dt: flags.dt,
    offsetMs: flags.offset,
    timeScale: flags.timeScale,
    startAtZero: flags.startAtZero,
    into: flags.into !== undefined ? loadDescription(flags.into).description : undefined,
    connectTo: flags.connectTo,
    weights: flags.weights,
    channel: flags.channel,
    read: { ...(flags.width !== undefined ? { width: flags.width } : {}), ...(flags.dt !== undefined ? { dt: flags.dt } : {}) },
  });
  writeFileAtomic(flags.out, `${JSON.stringify(res.description)}\n`);
  process.stdout.write(`wrote ${flags.out} (spike-source-array '${res.population}', ${res.spikes} spikes${flags.into ? `, added to ${flags.into}` : ''})\n`);
}
