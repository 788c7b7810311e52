/**
 * `snn bench train --model M --neurons N --samples K [--json]`: training speed per sample on the
 * first K MNIST training images (bench/train-speed.ts); bench/peers/train-driver.sh compares it
 * with Brian2 running the same network.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { runTrainSpeed, TRAIN_SPEED_MODELS, type TrainSpeedResult } from '../../bench/train-speed.js';
import { RECORD_HELP, startRecording } from '../../bench/results-row.js';
import { nonNegativeInt, positiveInt, seed } from '../parse.js';

interface TrainBenchFlags {
  model: string;
  neurons: number;
  samples: number;
  seed: number;
  firstSample: number;
  warmup: number;
  represent?: boolean;
  precision: 'f32' | 'f64';
  dataDir?: string;
  json?: boolean;
  record?: string;
}

export function registerBenchTrain(bench: Command): void {
  bench
    .command('train')
    .description('training speed: ms per MNIST training sample (presentation + rest + learning), synaptic events/s, spikes per sample')
    .addOption(new Option('--model <name>', 'trainable model').choices([...TRAIN_SPEED_MODELS]).default('diehl-cook-2015'))
    .option('--neurons <n>', 'excitatory (hidden) neurons', positiveInt, 400)
    .option('--samples <k>', 'timed training samples (the first K images from --first-sample)', positiveInt, 50)
    .option('--seed <n>', 'seed of every random stream', seed, 1)
    .option('--first-sample <i>', 'index of the first training image', nonNegativeInt, 0)
    .option('--warmup <n>', 'untimed samples before the timed ones', nonNegativeInt, 0)
    .option('--represent', 'apply the re-presentation rule (< 5 spikes: intensity + 1, show again); default: each sample once, as the Brian2 peer')
    .addOption(new Option('--precision <p>', 'state and weight precision').choices(['f32', 'f64']).default('f64'))
    .addOption(new Option('--data-dir <dir>', 'directory holding the IDX files (default: $SNN_DATA_DIR, else the locations of docs/datasets.md)').env('SNN_DATA_DIR'))
    .option('--json', 'print one JSON object (the keys bench/peers/train-driver.sh reads)')
    .option('--record <topic#anchor>', RECORD_HELP)
    .action((f: TrainBenchFlags) => {
      const record = startRecording('speed', f.record, ['snn', ...process.argv.slice(2)]);
      const r = runTrainSpeed({
        model: f.model,
        neurons: f.neurons,
        samples: f.samples,
        seed: f.seed,
        firstSample: f.firstSample,
        warmup: f.warmup,
        represent: f.represent ?? false,
        precision: f.precision,
        dataDir: f.dataDir,
      });
      process.stdout.write(f.json ? `${JSON.stringify(r)}\n` : formatTrainSpeed(r));
      record({
        what: `${r.model} training N = ${r.neurons} (K = ${r.samples}, warm-up ${r.warmup})`,
        metric: 'CPU ms per training sample (median)',
        value: +r.cpuMsPerSampleMedian.toFixed(2),
        precision: 2,
        unit: 'ms',
        compare: `wall ms per sample: median ${r.msPerSampleMedian.toFixed(2)}`,
        backend: r.backend,
        notes: [`spikes per sample: ${r.spikesPerSample.toFixed(1)} exc, ${r.inhSpikesPerSample.toFixed(1)} inh`, `synaptic events per CPU-second ${r.synapticEventsPerCpuSecond.toExponential(2)}`],
      });
    });
}

function formatTrainSpeed(r: TrainSpeedResult): string {
  const rows: [string, string][] = [
    ['model', `${r.model}, ${r.neurons} neurons, ${r.precision}, seed ${r.seed}`],
    ['samples', `${r.samples} (MNIST train ${r.firstSample}..${r.firstSample + r.samples - 1}, ${r.warmup} warm-up, ${r.represent ? 're-presentation on' : 'one presentation each'})`],
    ['ms per sample', `median ${r.msPerSampleMedian.toFixed(2)}, min ${r.msPerSampleMin.toFixed(2)}, max ${r.msPerSampleMax.toFixed(2)} (mean ${r.msPerSampleMean.toFixed(2)})`],
    ['CPU ms per sample', `median ${r.cpuMsPerSampleMedian.toFixed(2)}, min ${r.cpuMsPerSampleMin.toFixed(2)}, max ${r.cpuMsPerSampleMax.toFixed(2)}, mean ${r.cpuMsPerSampleMean.toFixed(2)} (process CPU time, all threads)`],
    ['simulated', `${r.simulatedMsPerSample.toFixed(0)} ms per sample (${r.presentationsPerSample.toFixed(2)} presentations)`],
    ['spikes per sample', `${r.spikesPerSample.toFixed(1)} exc, ${r.inhSpikesPerSample.toFixed(1)} inh, ${r.inputSpikesPerSample.toFixed(0)} input`],
    ['synaptic events', `${r.synapticEventsPerSecond.toExponential(2)} /s wall, ${r.synapticEventsPerCpuSecond.toExponential(2)} /s CPU`],
    ['build', `${r.buildSeconds.toFixed(3)} s`],
    ['backend', r.backend],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n`;
}
