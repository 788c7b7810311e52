/**
 * The table of a sweep: one row per job in grid order, the same whether the jobs ran on local
 * threads or on queue workers. Metric columns come first; the timing columns (which vary from run
 * to run) are the last two.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import type { JobResult, JobSpec } from '../jobs/job.js';

const COLUMNS = ['id', 'model', 'dataset', 'neurons', 'rules', 'set', 'seed', 'budget', 'test', 'accuracy', 'curve', 'wall_s', 'samples_per_s'] as const;

function variantOf(spec: JobSpec): string {
  if (spec.recipe !== null) return 'recipe';
  return spec.rules.length ? spec.rules.join(' ') : 'model default';
}

function row(r: JobResult): string[] {
  const s = r.spec;
  return [
    r.id,
    s.model,
    s.dataset,
    String(s.neurons),
    variantOf(s),
    Object.entries(s.set)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    String(s.seed),
    String(s.budgetSamples),
    String(s.testSamples),
    (100 * r.accuracy).toFixed(2),
    r.evaluations.map((e) => `${e.samples}:${(100 * e.accuracy).toFixed(2)}`).join(' '),
    r.wallSeconds.toFixed(2),
    r.samplesPerSecond.toFixed(1),
  ];
}

const csvCell = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

/** Writes sweep.json (the results), sweep.md and sweep.csv (the table) into `dir`. */
export function writeTable(dir: string, name: string, results: JobResult[]): void {
  writeFileAtomic(join(dir, 'sweep.json'), `${JSON.stringify({ name, results }, null, 2)}\n`);
  const rows = results.map(row);
  writeFileAtomic(join(dir, 'sweep.csv'), [COLUMNS.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n');
  const md = [
    `# Sweep ${name}`,
    '',
    `${results.length} jobs; accuracy in % on the first \`test\` test images; curve: samples:accuracy at each evaluation.`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
  ];
  writeFileAtomic(join(dir, 'sweep.md'), md.join('\n') + '\n');
}
