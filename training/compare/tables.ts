/**
 * compare.md and compare.csv from the summaries. The markdown puts everything deterministic first
 * (accuracy, curves, weights, notes) and the machine-dependent times last, under their own heading.
 */
import type { CompareJson, CompareTiming, MeasureSummary } from './summary.js';
import type { JobResult } from '../jobs/job.js';
import type { GridJob } from './grid.js';
import { balancedAccuracy, rareClassAccuracy } from '../../datasets/long-tailed.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : (100 * x).toFixed(2));
const num = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const ci = (c: [number, number] | null) => (c === null ? '–' : `${pct(c[0])} – ${pct(c[1])}`);
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}`;

/** Heading of the machine-dependent part of compare.md (everything above it is reproducible). */
export const TIME_HEADING = '## Time (machine-dependent)';

export function compareMarkdown(json: CompareJson, timing: CompareTiming): string {
  const L: string[] = [];
  const c0 = json.contenders[0]!;
  L.push(`# snn compare: ${json.contenders.map((c) => c.name).join(' vs ')}`);
  L.push('');
  L.push(`${json.model} on ${json.dataset}, ${json.neurons} neurons; budget ${json.budgetSamples} training samples${json.budgetSeconds !== null ? ` or ${json.budgetSeconds} s per run` : ''}; ` +
    `test on the first ${json.testSamples} test images; seeds ${json.seeds.join(', ')}; evaluated at ${json.evalAt.join(', ')} samples${json.prune ? '; --prune' : ''}.`);
  const lt = json.longTail;
  if (lt) {
    L.push(`Long-tailed training set (--imbalance ${lt.ratio}): ${lt.size} of the first ${lt.trainSamples} training images, class 0 → 9: ${lt.classCounts.join(', ')}; ` +
      `the budget is ${json.budgetSamples / lt.size} pass${json.budgetSamples === lt.size ? '' : 'es'} over it. Every contender trained on the same subset for a given seed; the samplers differ only in how they draw from it.`);
  } else L.push('Every contender saw the same training samples in the same order and the same input spikes for a given seed.');
  L.push('');
  L.push('## Accuracy');
  L.push('');
  L.push(`Test accuracy (%) at the end of the budget: mean over seeds, 95 % Student-t interval; Δ is the paired difference to ${c0.name} (same seeds).`);
  L.push('');
  L.push(`| contender | accuracy | 95 % CI | per seed | Δ vs ${c0.name} | 95 % CI of Δ | samples to ${pct(json.targetAccuracy)} % | note |`);
  L.push('|---|---:|---:|---|---:|---:|---:|---|');
  for (const c of json.contenders) {
    const d = c.difference;
    const reach = c.samplesToTarget.mean === null ? 'not reached' : `${num(c.samplesToTarget.mean, 0)}${c.samplesToTarget.reached < c.samplesToTarget.of ? ` (${c.samplesToTarget.reached}/${c.samplesToTarget.of} seeds)` : ''}`;
    const notes: string[] = [];
    if (c.prunedAt !== null) notes.push(`pruned at ${c.prunedAt}${c.predicted ? ` (predicted ${pct(c.predicted.final)}, ≤ ${pct(c.predicted.hi)})` : ''}`);
    if (c.samples.some((s) => s < json.budgetSamples) && c.prunedAt === null) notes.push(`stopped by time at ${c.samples.join('/')} samples`);
    L.push(`| ${c.name} | ${pct(c.accuracyMean)} | ${ci(c.accuracyCi95)} | ${c.accuracies.map(pct).join(', ')} | ${d ? signed(d.mean) : '–'} | ${d ? (d.ci95 ? `${signed(d.ci95[0])} – ${signed(d.ci95[1])}` : '–') : '–'} | ${reach} | ${notes.join('; ')} |`);
  }
  L.push('');
  for (const n of json.notes) L.push(`- ${n}`);
  if (json.notes.length) L.push('');
  if (lt) longTailTables(L, json, lt);
  L.push('## Learning curves');
  L.push('');
  L.push('Mean test accuracy (%) over seeds at each evaluation point.');
  L.push('');
  L.push(`| samples | ${json.contenders.map((c) => c.name).join(' | ')} |`);
  L.push(`|---:|${json.contenders.map(() => '---:').join('|')}|`);
  for (const s of json.evalAt) {
    L.push(`| ${s} | ${json.contenders.map((c) => pct(c.curve.find((p) => p.samples === s)?.accuracyMean)).join(' | ')} |`);
  }
  L.push('');
  L.push('## Weights');
  L.push('');
  L.push('Statistics of each trained array at the end (mean over seeds).');
  L.push('');
  L.push('| contender | array | mean | std | min | max | zero fraction |');
  L.push('|---|---|---:|---:|---:|---:|---:|');
  for (const c of json.contenders) {
    for (const [a, w] of Object.entries(c.weightStats)) L.push(`| ${c.name} | ${a} | ${num(w.mean, 4)} | ${num(w.std, 4)} | ${num(w.min, 4)} | ${num(w.max, 4)} | ${num(w.zeroFraction, 3)} |`);
  }
  L.push('');
  L.push(TIME_HEADING);
  L.push('');
  L.push(`Means per run; ${timing.workers} worker${timing.workers === 1 ? '' : 's'}, ${num(timing.compareWallSeconds)} s for the whole comparison. These depend on the machine and its load.` +
    (json.budgetSeconds !== null ? ` With a time budget the accuracies above depend on them too.` : ''));
  L.push('');
  L.push(`| contender | wall s | CPU s | training samples/s | s to ${pct(json.targetAccuracy)} % |`);
  L.push('|---|---:|---:|---:|---:|');
  for (const t of timing.contenders) {
    L.push(`| ${t.name} | ${num(t.wallSeconds)} | ${num(t.cpuSeconds)} | ${num(t.samplesPerSecond)} | ${t.secondsToTarget.mean === null ? 'not reached' : num(t.secondsToTarget.mean)} |`);
  }
  L.push('');
  return L.join('\n');
}

/** Balanced, rarest-class and per-class accuracy at the end of a long-tailed comparison. */
function longTailTables(L: string[], json: CompareJson, lt: NonNullable<CompareJson['longTail']>): void {
  const c0 = json.contenders[0]!;
  const rare = lt.rarestClasses.join(', ');
  L.push('## Rare classes');
  L.push('');
  L.push(`Test accuracy (%) at the end: balanced = mean of the 10 per-class accuracies; rarest = mean over the ${lt.rarestClasses.length} rarest training classes (${rare}: ` +
    `${lt.rarestClasses.map((k) => lt.classCounts[k]).join(', ')} images). Mean over seeds, 95 % Student-t interval, Δ paired against ${c0.name}.`);
  L.push('');
  L.push(`| contender | balanced | 95 % CI | Δ vs ${c0.name} | 95 % CI of Δ | rarest ${lt.rarestClasses.length} (${rare}) | per seed | 95 % CI | Δ vs ${c0.name} | 95 % CI of Δ |`);
  L.push('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  const delta = (d: MeasureSummary['difference']) => (d ? [signed(d.mean), d.ci95 ? `${signed(d.ci95[0])} – ${signed(d.ci95[1])}` : '–'] : ['–', '–']);
  for (const c of json.contenders) {
    const t = c.longTail!;
    L.push(`| ${c.name} | ${pct(t.balanced.mean)} | ${ci(t.balanced.ci95)} | ${delta(t.balanced.difference).join(' | ')} | ${pct(t.rarest.mean)} | ${t.rarest.accuracies.map(pct).join(', ')} | ${ci(t.rarest.ci95)} | ${delta(t.rarest.difference).join(' | ')} |`);
  }
  L.push('');
  L.push('Accuracy per test class (%) at the end, mean over seeds; the header gives each class\'s training images.');
  L.push('');
  L.push(`| contender | ${lt.classCounts.map((n, k) => `${k} (${n})`).join(' | ')} |`);
  L.push(`|---|${lt.classCounts.map(() => '---:').join('|')}|`);
  for (const c of json.contenders) L.push(`| ${c.name} | ${c.longTail!.perClass.map(pct).join(' | ')} |`);
  L.push('');
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * One row per contender × seed × evaluation point: the learning curves, long format. On a
 * long-tailed training set also the balanced and rarest-class accuracy at each point.
 */
export function compareCsv(json: CompareJson, jobs: readonly GridJob[], results: ReadonlyMap<string, JobResult>): string {
  const lt = json.longTail;
  const rows = [`contender,seed,job,samples,accuracy,wall_seconds,cpu_seconds,pruned_at${lt ? ',balanced_accuracy,rarest_accuracy' : ''}`];
  for (const c of json.contenders) {
    for (const j of jobs.filter((x) => x.contender === c.name)) {
      const r = results.get(j.id)!;
      for (const e of r.evaluations) {
        const classes = lt && e.perClass ? [balancedAccuracy(e.perClass), rareClassAccuracy(e.perClass, lt.rarestFirst)] : [];
        rows.push([csvField(c.name), j.seed, j.id, e.samples, e.accuracy, e.wallSeconds.toFixed(3), e.cpuSeconds.toFixed(3), r.prunedAt ?? '', ...classes].join(','));
      }
    }
  }
  return rows.join('\n') + '\n';
}
