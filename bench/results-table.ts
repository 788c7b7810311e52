/**
 * The headline tables of bench/RESULTS.md, rendered from the rows of bench/results/*.jsonl.
 *
 * Each jsonl line is one measured figure with what produced it (command, commit, date, machine,
 * backend) and the lab-log entry that records it (`log`: a file of bench/log/ and an anchor).
 * RESULTS.md marks where each table goes with `<!-- results-table:NAME -->` …
 * `<!-- /results-table:NAME -->`, NAME being a jsonl file's base name; everything between the
 * markers is generated, everything around them is written by hand.
 *
 *   npx tsx bench/results-table.ts           rewrite the tables of bench/RESULTS.md
 *   npx tsx bench/results-table.ts --check   exit 1 if RESULTS.md differs from what the rows give
 *
 * Rows are appended by the drivers' `--record TOPIC#ANCHOR` through bench/results-row.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SnnError } from '../engine/errors.js';
import { writeFileAtomic } from '../io/atomic.js';

/**
 * The bench folder of the sources (also when this runs compiled from dist/bench/ or .test-dist/bench/), or
 * $SNN_BENCH_DIR: a folder with RESULTS.md, results/ and log/ that tests and dry runs use instead.
 */
export const SOURCE_BENCH_DIR = ((here: string) => (/dist$/.test(basename(dirname(here))) ? join(here, '..', '..', 'bench') : here))(dirname(fileURLToPath(import.meta.url)));
export const BENCH_DIR = process.env.SNN_BENCH_DIR || SOURCE_BENCH_DIR;
export const RESULTS_PAGE = join(BENCH_DIR, 'RESULTS.md');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

const text = z.string().min(1);
export const resultRow = z
  .object({
    topic: text, // the lab-log topic the figure belongs to
    what: text, // the row's label on the page
    metric: text, // what the value measures, in words
    value: z.union([z.number(), z.tuple([z.number(), z.number()])]), // a figure, or a [low, high] range
    precision: z.number().int().min(0).max(6), // decimals as recorded in the log
    unit: text, // '%', 'ms', '×' …
    compare: z.string(), // the paper's, peer's or target's figure it is read against ('' if none)
    command: text, // the exact command, or 'not recorded (…)' when the log has none
    commit: text, // a commit hash, or 'not recorded' when the log does not name one
    date: text,
    machine: text,
    backend: text,
    log: z.string().regex(/^log\/[a-z0-9-]+\.md#[a-z0-9-]+$/, 'log/<topic>.md#<anchor>'),
  })
  .strict();
export type ResultRow = z.infer<typeof resultRow>;

/** Parses one jsonl file of result rows; a bad line is a one-line SnnError naming file and line. */
export function readRows(file: string): ResultRow[] {
  const rows: ResultRow[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new SnnError('io.corrupt', `${basename(file)} line ${i + 1} is not JSON`, 'one JSON object per line');
      }
      const parsed = resultRow.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new SnnError('config.invalid', `${basename(file)} line ${i + 1}: ${issue.path.join('.') || 'row'}: ${issue.message}`, 'fields: topic, what, metric, value, precision, unit, compare, command, commit, date, machine, backend, log');
      }
      rows.push(parsed.data);
    });
  return rows;
}

/** Every jsonl file of the results folder by table name (its base name). */
export function readAllRows(dir = RESULTS_DIR): Map<string, ResultRow[]> {
  const tables = new Map<string, ResultRow[]>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) tables.set(f.slice(0, -'.jsonl'.length), readRows(join(dir, f)));
  return tables;
}

/** The figure as the log records it: fixed decimals, a range as low–high. */
export function formatValue(row: ResultRow): string {
  const v = typeof row.value === 'number' ? row.value.toFixed(row.precision) : row.value.map((x) => x.toFixed(row.precision)).join('–');
  return row.unit === '×' ? `${v}×` : `${v} ${row.unit}`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');
/** A command as code; "not recorded (…)" stays prose, like the commit column's. */
const command = (s: string): string => (s.startsWith('not recorded') ? cell(s) : `\`${cell(s)}\``);

export function renderTable(rows: readonly ResultRow[]): string {
  const out = ['| result | snn | metric | compared with | command | commit | date | machine; backend | log |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const topic = r.log.slice('log/'.length, r.log.indexOf('.md'));
    out.push(
      `| ${cell(r.what)} | **${formatValue(r)}** | ${cell(r.metric)} | ${cell(r.compare) || '–'} | ${command(r.command)} | ${cell(r.commit)} | ${cell(r.date)} | ${cell(r.machine)}; ${cell(r.backend)} | [${topic}](${r.log}) |`,
    );
  }
  return out.join('\n');
}

/** The page with every marked table replaced by the rendering of its rows. */
export function renderPage(page: string, tables: ReadonlyMap<string, readonly ResultRow[]>): string {
  return page.replace(/(<!-- results-table:([a-z0-9-]+) -->)\n(?:[\s\S]*?\n)?(<!-- \/results-table:\2 -->)/g, (_m, open: string, name: string, close: string) => {
    const rows = tables.get(name);
    if (!rows) throw new SnnError('io.missing', `RESULTS.md marks a table '${name}' but bench/results/${name}.jsonl does not exist`, 'add the jsonl file or remove the markers');
    return `${open}\n${renderTable(rows)}\n${close}`;
  });
}

/** Log files and anchors a row points to must exist (paths relative to bench/). */
export function logTargetExists(log: string, benchDir = BENCH_DIR): boolean {
  const [file, anchor] = log.split('#') as [string, string];
  const path = join(benchDir, file);
  return existsSync(path) && readFileSync(path, 'utf8').includes(`<a id="${anchor}"></a>`);
}

function main(argv: readonly string[]): number {
  const page = readFileSync(RESULTS_PAGE, 'utf8');
  const rendered = renderPage(page, readAllRows());
  const broken = [...readAllRows().values()].flat().filter((r) => !logTargetExists(r.log));
  if (broken.length > 0) {
    console.error(`error: ${broken.length} row(s) link to a missing log entry: ${broken.map((r) => r.log).join(', ')}`);
    return 1;
  }
  if (argv.includes('--check')) {
    if (rendered !== page) {
      console.error('error: bench/RESULTS.md differs from bench/results/*.jsonl (run: npx tsx bench/results-table.ts)');
      return 1;
    }
    return 0;
  }
  if (rendered !== page) writeFileAtomic(RESULTS_PAGE, rendered);
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof SnnError)) throw e;
    console.error(`error: ${e.oneLine()}`);
    process.exitCode = e.exitCode;
  }
}
