/**
 * `snn bench <experiment>`: speed and accuracy benchmarks (the runners live in bench/).
 * `bench` is a command group: each experiment is a subcommand registered from the list below,
 * so `bench train` etc. are added with one function and one line.
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { runCubaBench, type CubaBenchResult } from '../../bench/cuba.js';
import { RECORD_HELP, startRecording } from '../../bench/results-row.js';
import { positiveInt, positiveNumber, seed } from '../parse.js';
import { registerBenchTrain } from './bench-train.js';
import { registerBenchSurrogate } from './bench-surrogate.js';

type RegisterBench = (bench: Command) => void;

/** The bench experiments, one registration each. */
const experiments: RegisterBench[] = [registerBenchCuba, registerBenchTrain, registerBenchSurrogate];

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description('speed and accuracy benchmarks (compare with the Brian2 peers in bench/peers/)');
  for (const register of experiments) register(bench);
}

interface CubaFlags {
  neurons: number;
  duration: number;
  seed: number;
  precision: 'f32' | 'f64';
  p?: number;
  jitWarmup?: boolean;
  json?: boolean;
  record?: string;
}

function registerBenchCuba(bench: Command): void {
  bench
    .command('cuba')
    .description('CUBA network (Vogels & Abbott 2005, Brian2 examples/CUBA.py): time the simulation loop and the whole process')
    .option('--neurons <n>', 'number of neurons (80 % excitatory)', positiveInt, 4000)
    .option('--duration <ms>', 'simulated time in ms', positiveNumber, 1000)
    .option('--seed <n>', 'seed of every random stream', seed, 1)
    .addOption(new Option('--precision <p>', 'state precision').choices(['f32', 'f64']).default('f64'))
    .option('--p <prob>', 'connection probability (default 0.02, Brian2\'s CUBA example)', probability)
    .option('--jit-warmup', 'run a short CUBA of the same size first so the timed loop starts with compiled JS (Brian2 excludes its compilation too)')
    .option('--json', 'print one JSON object (the keys bench/peers/cuba-driver.sh reads)')
    .option('--record <topic#anchor>', RECORD_HELP)
    .action((flags: CubaFlags) => {
      const record = startRecording('speed', flags.record, ['snn', ...process.argv.slice(2)]);
      const r = runCubaBench({ neurons: flags.neurons, duration: flags.duration, seed: flags.seed, precision: flags.precision, connectionProbability: flags.p, jitWarmup: flags.jitWarmup });
      process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : formatCuba(r));
      record({
        what: `CUBA N = ${r.neurons}, ${r.durationMs / 1000} s, snn alone`,
        metric: 'simulation loop process CPU time',
        value: +r.simLoopCpuSeconds.toFixed(4),
        precision: 4,
        unit: 's',
        compare: `${r.realTimeFactor.toFixed(2)}× real time; whole process ${r.totalCpuSeconds.toFixed(3)} s CPU`,
        backend: r.backendDetail,
        notes: [`spikes ${r.spikes} (mean rate ${r.meanRateHz.toFixed(2)} Hz), synapses ${r.synapses}, seed ${r.seed}, ${r.precision}`],
      });
    });
}

function probability(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new InvalidArgumentError(`expected a probability in [0, 1], got '${value}'.`);
  return x;
}

function formatCuba(r: CubaBenchResult): string {
  const rows: [string, string][] = [
    ['neurons', `${r.neurons} (${r.excitatory} exc, ${r.inhibitory} inh)`],
    ['synapses', `${r.synapses} (p = ${r.connectionProbability})`],
    ['simulated', `${r.durationMs} ms, dt ${r.dtMs} ms, seed ${r.seed}, ${r.precision}`],
    ['spikes', `${r.spikes} (mean rate ${r.meanRateHz.toFixed(2)} Hz, CV ISI ${r.cvIsi === null ? '–' : r.cvIsi.toFixed(3)})`],
    ['build', `${r.buildSeconds.toFixed(3)} s`],
    ...(r.jitWarmup ? [['JIT warm-up', `${r.jitWarmupSeconds.toFixed(3)} s (short same-size CUBA run before the timed loop)`] as [string, string]] : []),
    ['simulation loop', `${r.simLoopSeconds.toFixed(3)} s wall, ${r.simLoopCpuSeconds.toFixed(3)} s CPU (${r.realTimeFactor.toFixed(2)}× real time)`],
    ['whole process', `${r.totalSeconds.toFixed(3)} s wall since Node started, ${r.totalCpuSeconds.toFixed(3)} s CPU`],
    ['synaptic events', `${r.synapticEvents} (${r.synapticEventsPerSecond.toExponential(2)} /s of loop)`],
    ['backend', r.backendDetail],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n`;
}
