/**
 * How long `snn report` takes for a trained hao2020 run: evaluation of the test images (hidden
 * counts kept), every figure (receptive fields of all hidden neurons, t-SNE of 2 000 test images
 * with its silhouette), SVG + PNG rendering and the HTML. Not a test: a measurement.
 *
 *   npm run build
 *   node dist/bench/report-speed.js [--run DIR] [--neurons 400] [--train-samples 1000] [--test-samples 2000] [--eval-workers 2]
 *
 * `--record TOPIC#ANCHOR` appends the wall time as a row of bench/results/speed.jsonl with its
 * lab-log entry (bench/results-row.ts). Without --run (or when DIR holds no model yet) it first trains the run (not timed). Prints wall
 * and CPU seconds (CPU of the main thread and the evaluation workers), the time of each stage and
 * the load average of the machine, which on a shared machine explains wall ≫ CPU.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { train } from '../training/run-training.js';
import { writeReport } from '../report/report.js';
import { describeBackend } from '../engine/backend.js';
import { scriptCommand, startRecording } from './results-row.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string', default: join(os.tmpdir(), 'snn-report-speed-run') },
    neurons: { type: 'string', default: '400' },
    'train-samples': { type: 'string', default: '1000' },
    'test-samples': { type: 'string', default: '2000' },
    'eval-workers': { type: 'string', default: '2' },
    out: { type: 'string' },
    record: { type: 'string' },
  },
});
const record = startRecording('speed', values.record, scriptCommand());
const run = values.run!;
const testSamples = Number(values['test-samples']);
if (!existsSync(join(run, 'model.snnmodel'))) {
  process.stdout.write(`training ${run} (not timed)\n`);
  train({ model: 'hao2020', dataset: 'mnist', neurons: Number(values.neurons), trainSamples: Number(values['train-samples']), testSamples, seed: 1, out: run, evalWorkers: Number(values['eval-workers']) });
}
const out = values.out ?? join(run, 'report-speed');
const started = performance.now();
const cpu0 = process.cpuUsage();
const load0 = os.loadavg()[0]!;
let last = started;
let lastCpu = process.cpuUsage();
const stages: string[] = [];
const r = await writeReport(run, out, {
  testSamples,
  tsneSamples: testSamples,
  evalWorkers: Number(values['eval-workers']),
  onProgress: (m) => {
    const now = performance.now();
    const c = process.cpuUsage(lastCpu);
    stages.push(`${((now - last) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU before: ${m}`);
    last = now;
    lastCpu = process.cpuUsage();
  },
});
const wall = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${stages.join('\n')}\n` +
    `figures: ${r.figures.map((f) => `${f.name} ${f.seconds.toFixed(2)} s`).join(', ')}\n` +
    `silhouette ${r.silhouette?.toFixed(3)}\n` +
    `report of ${run}: ${wall.toFixed(1)} s wall, ${(cpu.user / 1e6).toFixed(1)} s user + ${(cpu.system / 1e6).toFixed(1)} s system CPU; load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores\n`,
);
record({
  what: `snn report of a hao2020 run (${r.figures.length} figures, t-SNE of ${testSamples} test images, ${values['eval-workers']} evaluation workers)`,
  metric: 'wall time of the whole report',
  value: +wall.toFixed(1),
  precision: 1,
  unit: 's',
  compare: `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (main thread and evaluation workers)`,
  backend: describeBackend('f64'),
  notes: [`figures: ${r.figures.map((f) => `${f.name} ${f.seconds.toFixed(2)} s`).join(', ')}`],
});
