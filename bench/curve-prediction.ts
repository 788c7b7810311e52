/**
 * How well the learning-curve predictor (training/learning-curve.ts) does on real runs: for each
 * run directory, the prediction made from the first FRACTION of its evaluations against the run's
 * final accuracy (SL, else USL) and against the mean of its last three evaluations (less noisy).
 *
 *   npx tsx bench/curve-prediction.ts [--fraction 0.3] [--record TOPIC#ANCHOR] RUN_DIR...
 *
 * `--record` appends the mean absolute error over the runs to bench/results/accuracy.jsonl with a
 * lab-log entry (bench/results-row.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../engine/errors.js';
import { predictFinal } from '../training/learning-curve.js';
import { recordSpec, scriptCommand, startRecording, withoutRecord } from './results-row.js';

const record = startRecording('accuracy', recordSpec(), scriptCommand());
const args = withoutRecord(process.argv.slice(2));
let fraction = 0.3;
const fi = args.indexOf('--fraction');
if (fi >= 0) {
  fraction = Number(args[fi + 1]);
  args.splice(fi, 2);
}
const pp = (x: number) => (100 * x).toFixed(2);
console.log(`| run | points used | predicted [95 % interval] | family | final | error | mean of last 3 | error |`);
console.log(`|---|---|---|---|---|---|---|---|`);
const errors: number[] = [];
let inside = 0;
for (const dir of args) {
  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trained: number; slAccuracy: number | null; uslAccuracy: number });
  const pts = lines.map((m) => ({ samples: m.trained, accuracy: m.slAccuracy ?? m.uslAccuracy }));
  const used = Math.round(fraction * pts.length);
  const horizon = pts.at(-1)!.samples;
  const p = predictFinal(pts.slice(0, used), horizon);
  const final = pts.at(-1)!.accuracy;
  const tail = pts.slice(-3).reduce((a, q) => a + q.accuracy, 0) / Math.min(3, pts.length);
  if (p !== null) {
    errors.push(Math.abs(p.final - final));
    if (p.lo <= final && final <= p.hi) inside++;
  }
  console.log(
    p === null
      ? `| ${dir} | ${used} of ${pts.length} | – | – | ${pp(final)} | – | ${pp(tail)} | – |`
      : `| ${dir} | ${used} of ${pts.length} | ${pp(p.final)} [${pp(p.lo)}, ${pp(p.hi)}] | ${p.family} | ${pp(final)} | ${pp(p.final - final)} | ${pp(tail)} | ${pp(p.final - tail)} |`,
  );
}
if (errors.length > 0) {
  const mae = (100 * errors.reduce((a, e) => a + e, 0)) / errors.length;
  const within = errors.filter((e) => e <= 0.01).length;
  console.log(`\nmean absolute error ${mae.toFixed(1)} points; ${within} of ${errors.length} within ±1 point; ${inside} of ${errors.length} finals inside the 95 % interval`);
  record({
    what: `learning-curve predictor at ${Math.round(100 * fraction)} % of a run vs the run's final accuracy: ${errors.length} runs`,
    metric: `mean absolute error of the predicted final accuracy (${within} of ${errors.length} within ±1 point; ${inside} of ${errors.length} finals inside the 95 % interval)`,
    value: +mae.toFixed(1),
    precision: 1,
    unit: 'points',
    compare: 'goal: within ±1 point',
    backend: 'training/learning-curve.ts (least squares, Node)',
    notes: args.map((d) => `run: ${d}`),
  });
} else if (recordSpec() !== undefined) {
  throw new SnnError('usage', '--record: no run gave a prediction, so there is nothing to record', 'give runs with enough evaluation points');
}
