/**
 * Summary over seeds of `snn train --imbalance` runs, per sampler: SL accuracy on the (balanced)
 * test set, balanced accuracy, the mean over the 3 rarest training classes and every class's
 * accuracy at the last evaluation, with 95 % Student-t intervals and paired differences against
 * the first group (the same seed: the same long-tailed subset, initial weights and input spikes).
 * `snn compare` has no `--imbalance`, so the long-tailed comparison is run as separate `snn train`
 * runs (bench/log/transforms.md).
 *
 *   npx tsx bench/long-tail-summary.ts NAME=RUN1,RUN2,RUN3 NAME2=RUN1,RUN2,RUN3 …   (runs in seed order)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { meanCi, pairedDifference, type MeanCi } from '../training/compare/statistics.js';
import type { MetricsLine } from '../training/trainer.js';

interface Final {
  sl: number;
  balanced: number;
  rare: number;
  rareClasses: number[];
  perClass: number[];
  trained: number;
}

function finalOf(run: string): Final {
  const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsLine);
  const m = lines.at(-1)!;
  if (m.slAccuracy === null || !m.balancedAccuracy || !m.rareClassAccuracy || !m.perClassSl) throw new Error(`${run}: not a long-tailed run of a model with an SL readout`);
  return { sl: m.slAccuracy, balanced: m.balancedAccuracy.sl!, rare: m.rareClassAccuracy.sl!, rareClasses: m.rareClassAccuracy.classes, perClass: m.perClassSl, trained: m.trained };
}

const pct = (x: number): string => (100 * x).toFixed(2);
const ci = (s: MeanCi): string => (s.ci95 ? `${pct(s.ci95[0])} – ${pct(s.ci95[1])}` : '–');
const signed = (x: number): string => (x >= 0 ? '+' : '−') + pct(Math.abs(x));
const ciSigned = (s: MeanCi): string => (s.ci95 ? `${signed(s.ci95[0])} – ${signed(s.ci95[1])}` : '–');

const groups = process.argv.slice(2).map((arg) => {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new Error(`expected NAME=RUN1,RUN2,…, got ${arg}`);
  return { name: arg.slice(0, eq), finals: arg.slice(eq + 1).split(',').map(finalOf) };
});
if (groups.length === 0) throw new Error('usage: npx tsx bench/long-tail-summary.ts NAME=RUN1,RUN2,… …');

const metrics: [string, (f: Final) => number][] = [
  ['SL accuracy', (f) => f.sl],
  ['balanced SL accuracy', (f) => f.balanced],
  [`SL accuracy, 3 rarest classes (${groups[0]!.finals[0]!.rareClasses.join(', ')})`, (f) => f.rare],
];
const base = groups[0]!;
for (const [label, get] of metrics) {
  console.log(`\n${label} (%), after ${base.finals.map((f) => f.trained).join('/')} samples\n`);
  console.log('| sampler | per seed | mean | 95 % CI | paired Δ vs ' + base.name + ' | 95 % CI of Δ |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const g of groups) {
    const xs = g.finals.map(get);
    const s = meanCi(xs);
    const d = g === base ? null : pairedDifference(base.finals.map(get), xs);
    console.log(`| ${g.name} | ${xs.map(pct).join(', ')} | ${pct(s.mean)} | ${ci(s)} | ${d ? signed(d.mean) : '–'} | ${d ? ciSigned(d) : '–'} |`);
  }
}
console.log('\nSL accuracy per class (%), mean over seeds\n');
console.log(`| sampler | ${Array.from({ length: 10 }, (_, k) => k).join(' | ')} |`);
console.log(`|---|${'---:|'.repeat(10)}`);
for (const g of groups) {
  const means = Array.from({ length: 10 }, (_, k) => meanCi(g.finals.map((f) => f.perClass[k]!)).mean);
  console.log(`| ${g.name} | ${means.map(pct).join(' | ')} |`);
}
