/**
 * How well the learning-curve predictor (training/learning-curve.ts) does on real runs: for each
 * run directory, the prediction made from the first FRACTION of its evaluations against the run's
 * final accuracy (SL, else USL) and against the mean of its last three evaluations (less noisy).
 *
 *   npx tsx bench/curve-prediction.ts [--fraction 0.3] RUN_DIR...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { predictFinal } from '../training/learning-curve.js';

const args = process.argv.slice(2);
let fraction = 0.3;
const fi = args.indexOf('--fraction');
if (fi >= 0) {
  fraction = Number(args[fi + 1]);
  args.splice(fi, 2);
}
const pp = (x: number) => (100 * x).toFixed(2);
console.log(`| run | points used | predicted [95 % interval] | family | final | error | mean of last 3 | error |`);
console.log(`|---|---|---|---|---|---|---|---|`);
for (const dir of args) {
  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trained: number; slAccuracy: number | null; uslAccuracy: number });
  const pts = lines.map((m) => ({ samples: m.trained, accuracy: m.slAccuracy ?? m.uslAccuracy }));
  const used = Math.round(fraction * pts.length);
  const horizon = pts.at(-1)!.samples;
  const p = predictFinal(pts.slice(0, used), horizon);
  const final = pts.at(-1)!.accuracy;
  const tail = pts.slice(-3).reduce((a, q) => a + q.accuracy, 0) / Math.min(3, pts.length);
  console.log(
    p === null
      ? `| ${dir} | ${used} of ${pts.length} | – | – | ${pp(final)} | – | ${pp(tail)} | – |`
      : `| ${dir} | ${used} of ${pts.length} | ${pp(p.final)} [${pp(p.lo)}, ${pp(p.hi)}] | ${p.family} | ${pp(final)} | ${pp(p.final - final)} | ${pp(tail)} | ${pp(p.final - tail)} |`,
  );
}
