/**
 * `snn simulate NET.(json|yaml)`: run a network description (or a Brian2 reference case) and write
 * its spikes (and state traces) to a native trace or JSON; print a summary per population.
 */
import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { describeBackend } from '../../engine/backend.js';
import { SnnError } from '../../engine/errors.js';
import type { RecorderSink } from '../../engine/recorder-sink.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { loadDescription } from '../../io/load-description.js';
import { descriptionWarnings } from '../../models/description.js';
import { JsonSpikesSink, StatsSink, TraceSink } from '../../io/trace-sink.js';
import { TraceWriter } from '../../io/trace-writer.js';
import { buildNetwork, resolveSettings } from '../../models/build-network.js';
import { isZooReference, loadZooModel } from '../../models/zoo/index.js';
import { simulate, type SimulationMode } from '../../models/simulate.js';
import { nonNegativeInt, positiveInt, positiveNumber, recordSpec, seed, stateSpec, type StateSpec } from '../parse.js';
import { progressReporter } from '../progress.js';
import { SNN_VERSION } from '../version.js';

interface SimulateFlags {
  duration?: number;
  dt?: number;
  seed?: number;
  mode?: SimulationMode;
  precision?: 'f32' | 'f64';
  record?: string[] | boolean;
  recordState?: StateSpec[];
  out?: string;
  json?: boolean;
  progress: boolean;
  schedule?: boolean;
  checkFinite?: boolean;
  neurons?: number;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run a network description (JSON/YAML, or a Brian2 reference case) and record its spikes')
    .argument('<network>', 'network description (.json, .yaml), reference case (.case.json), or zoo:NAME (e.g. zoo:cuba)')
    .option('--neurons <n>', 'size of a zoo:NAME model (e.g. zoo:cuba --neurons 16000; default: the model\'s own size)', positiveInt)
    .option('--duration <ms>', 'simulated time in ms (default: the description\'s)', positiveNumber)
    .option('--dt <ms>', 'time step in ms (clock mode; default: the description\'s or 0.1)', positiveNumber)
    .option('--seed <n>', 'seed of every random stream (default: the description\'s, else 0)', seed)
    .addOption(new Option('--mode <mode>', 'clock-driven on a dt grid, or exact event-driven (delta LIF) (default: the description\'s, else clock)').choices(['clock', 'exact']))
    .addOption(new Option('--precision <p>', 'state precision (f64 is spike-exact with Brian2; default: the description\'s, else f64)').choices(['f32', 'f64']))
    .option('--record <what>', "'spikes' (all), 'spikes:POP,...', or 'none' (default: the description\'s record field, else spikes) (default: the description's record field, else spikes)", recordSpec)
    .option('--record-state <spec>', "state traces VARS:POP[@MS], e.g. 'v,theta:exc@1' (repeatable)", stateSpec)
    .option('--out <file>', 'spikes to FILE: .json → {"spikes": [[t_ms, neuron], ...]}, otherwise a native trace (default: no file, the summary only)')
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no progress bar')
    .option('--schedule', 'print the resolved per-step schedule before running')
    .option('--check-finite', 'scan every state variable for NaN/Infinity after EVERY step and stop at the first one (slow: for debugging; by default the scan runs every 1000 steps)')
    .action((file: string, flags: SimulateFlags) => runSimulate(file, flags));
}

function runSimulate(file: string, flags: SimulateFlags): void {
  if (flags.neurons !== undefined && !isZooReference(file)) throw new SnnError('usage', '--neurons applies only to zoo:NAME models', `set the sizes in ${file} instead`);
  const loaded = isZooReference(file) ? loadZooModel(file, { neurons: flags.neurons }) : loadDescription(file);
  const desc = loaded.description;
  const mode = flags.mode ?? desc.mode ?? 'clock';
  const settings = resolveSettings(desc, { dt: flags.dt, precision: flags.precision, seed: flags.seed });
  for (const w of descriptionWarnings({ ...desc, dt: settings.dt })) process.stderr.write(`warning: ${w}\n`);
  const duration = flags.duration ?? desc.duration;
  if (duration === undefined) throw new SnnError('config.invalid', `${file} sets no duration`, 'pass --duration MS or add "duration" to the description');
  const sizes = desc.populations.map((p) => p.size);
  const names = desc.populations.map((p) => p.name);
  const record = flags.record ?? desc.record?.spikes ?? true;
  const recorded = record === true ? names : record === false ? [] : record;
  const recordState = flags.recordState ?? [];
  if (flags.schedule && mode === 'clock') {
    const net = buildNetwork(desc, settings);
    process.stdout.write(`schedule (slot, order, task):\n${net.schedule.describe().join('\n')}\n`);
  }

  const out = flags.out;
  const asJson = out !== undefined && out.toLowerCase().endsWith('.json');
  if (out === undefined && recordState.length > 0) throw new SnnError('usage', '--record-state needs a trace to hold the samples', 'add --out FILE.snntrace');
  if (asJson && recordState.length > 0) throw new SnnError('usage', 'state traces need a native trace output', 'give --out a name that does not end in .json');
  let writer: TraceWriter | null = null;
  let jsonSink: JsonSpikesSink | null = null;
  let target: RecorderSink | null = null;
  if (out !== undefined && asJson) target = jsonSink = new JsonSpikesSink(mode === 'clock');
  else if (out !== undefined) {
    writer = TraceWriter.open(out, {
      dt: mode === 'clock' ? settings.dt : null,
      mode,
      populations: desc.populations.map((p) => ({ name: p.name, size: p.size })),
      seed: settings.seed,
      descriptionHash: loaded.hash,
      snnVersion: SNN_VERSION,
      meta: { source: file, durationMs: duration, precision: settings.precision, backend: describeBackend(settings.precision) },
    });
    target = new TraceSink(writer);
  }
  const stats = new StatsSink(sizes, target);
  const progress = progressReporter('simulate', 'ms', flags.progress && !flags.json, { describe: (e) => String(e.rate ?? '') });
  let result;
  let running = false;
  try {
    const started = performance.now();
    result = simulate(desc, {
      mode,
      dt: settings.dt,
      precision: settings.precision,
      seed: settings.seed,
      duration,
      sink: stats,
      recordSpikes: recorded,
      recordState,
      ...(flags.checkFinite ? { checkFiniteEverySteps: 1 } : {}),
      onStart: () => {
        running = true;
      },
      onProgress: (p) => {
        const wall = (performance.now() - started) / 1000;
        progress.update(Math.round(p.t), Math.round(duration), { rate: `${(p.t / 1000 / Math.max(wall, 1e-9)).toFixed(2)}× real time` });
      },
    });
  } catch (err) {
    // Refused before the run (bad network, memory): no output file at all. Stopped during the run
    // (e.g. a non-finite state): keep <out>.partial with everything recorded so far.
    if (writer !== null) {
      if (running) writer.flush();
      writer.abort();
      if (!running) rmSync(writer.partialPath, { force: true });
    }
    throw err;
  } finally {
    progress.stop();
  }
  writer?.close({ tStop: duration });
  if (jsonSink !== null) writeJsonSpikes(out!, jsonSink, recorded, names, loaded.isReferenceCase ? sizes[names.indexOf(recorded[0]!)] : undefined);

  const populations = result.populations.map((p, k) => {
    const st = recorded.includes(p.name) ? stats.stats[k]!.result(p.name, duration) : null;
    return { name: p.name, neurons: p.size, spikes: p.spikes, meanRateHz: p.meanRateHz, cvIsi: st?.cvIsi ?? null };
  });
  const summary = {
    network: file,
    mode: result.mode,
    dt: result.dt,
    precision: result.precision,
    seed: result.seed,
    durationMs: duration,
    wallSeconds: result.wallSeconds,
    synapticEvents: result.synapticEvents,
    synapticEventsPerSecond: result.synapticEvents / Math.max(result.wallSeconds, 1e-9),
    backend: describeBackend(result.precision),
    output: out ?? null,
    populations,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const rows = [['population', 'neurons', 'spikes', 'rate (Hz)', 'CV ISI'], ...populations.map((p) => [p.name, String(p.neurons), String(p.spikes), p.meanRateHz.toFixed(3), p.cvIsi === null ? '–' : p.cvIsi.toFixed(3)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const table = rows.map((r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ')).join('\n');
  process.stdout.write(
    `${table}\n` +
      `simulated ${duration} ms (${result.mode}${result.dt !== null ? `, dt ${result.dt} ms` : ''}, ${result.precision}, seed ${result.seed}) in ${result.wallSeconds.toFixed(3)} s wall; ` +
      `${summary.synapticEventsPerSecond.toExponential(2)} synaptic events/s\nbackend: ${summary.backend}\n` +
      (out ? `wrote ${out}\n` : ''),
  );
}

function writeJsonSpikes(out: string, sink: JsonSpikesSink, recorded: string[], names: string[], referenceSize?: number): void {
  const sorted = sink.spikes.slice().sort((a, b) => a[0] - b[0] || a[2] - b[2] || a[1] - b[1]);
  let body: unknown;
  if (recorded.length === 1) {
    const spikes = sorted.map(([t, i]) => [t, i]);
    body = { spikes };
    if (referenceSize !== undefined) {
      const counts = new Array<number>(referenceSize).fill(0);
      for (const [, i] of spikes) counts[i as number]!++;
      body = { spikes, n_spikes: spikes.length, counts };
    }
  } else {
    const populations: Record<string, { spikes: number[][] }> = {};
    for (const n of recorded) populations[n] = { spikes: [] };
    for (const [t, i, k] of sorted) populations[names[k]!]!.spikes.push([t, i]);
    body = { populations };
  }
  writeFileAtomic(out, `${JSON.stringify(body)}\n`);
}
