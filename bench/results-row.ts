/**
 * The one writer of result rows: a bench driver run with `--record TOPIC#ANCHOR` hands its headline
 * figure here, and this file fills in what every row must say about where it came from (commit,
 * date, machine and its load), validates the row with the schema bench/results-table.ts reads,
 * appends a lab-log entry `bench/log/TOPIC.md#ANCHOR` that records the figure, and appends the row
 * to `bench/results/TABLE.jsonl`. Both writes are atomic (io/atomic.ts); nothing is written unless
 * the row is valid and the anchor is new (log entries are never edited: a re-measurement is a new
 * entry). Recording is explicit so that casual runs leave the repository clean.
 *
 * TypeScript drivers call `recordResult`; the Python and shell drivers print the measured part of
 * the row as JSON into
 *
 *   node --import tsx bench/results-row.ts --table speed|accuracy --record TOPIC#ANCHOR  < row.json
 *   node --import tsx bench/results-row.ts --table speed|accuracy --record TOPIC#ANCHOR --check
 *       (before measuring: is the anchor well formed and new?)
 *
 * `SNN_BENCH_DIR` (a folder holding RESULTS.md, results/ and log/) redirects every read and write,
 * for tests and dry runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { SnnError } from '../engine/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { BENCH_DIR, formatValue, resultRow, SOURCE_BENCH_DIR, type ResultRow } from './results-table.js';

/** What a driver measured; the writer adds topic, commit, date, machine and log. */
export interface Measured {
  what: string;
  metric: string;
  value: number | [number, number];
  precision: number;
  unit: string;
  compare: string;
  /** The command as run, without its `--record` option. */
  command: string;
  backend: string;
  /** The machine's load while it ran, e.g. "load 1.9 → 2.3 (1-min average)"; default: the load now. */
  load?: string;
  /** Further figures of the run, written into the log entry (one line each). */
  notes?: string[];
}

export interface RecordTarget {
  topic: string;
  anchor: string;
}

export const TABLES = ['accuracy', 'speed'] as const;
export type TableName = (typeof TABLES)[number];

const SPEC = /^([a-z0-9-]+)#([a-z0-9-]+)$/;

/** `--record TOPIC#ANCHOR`: the log file bench/log/TOPIC.md and the anchor of the new entry. */
export function parseRecordTarget(spec: string): RecordTarget {
  const m = SPEC.exec(spec);
  if (!m) throw new SnnError('usage', `--record expects TOPIC#ANCHOR (lower-case letters, digits, hyphens), got '${spec}'`, 'e.g. --record cuba#n4000-idle: the entry bench/log/cuba.md#n4000-idle');
  return { topic: m[1]!, anchor: m[2]! };
}

/** `argv` without `--record X` / `--record=X`: the command that reproduces the figure. */
export function withoutRecord(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--record') i++;
    else if (!argv[i]!.startsWith('--record=')) out.push(argv[i]!);
  }
  return out;
}

/** Shell-quotes where needed, so that the recorded command can be pasted back. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The short hash of HEAD, marked when the work tree has changes; 'not recorded (…)' outside git. */
export function currentCommit(cwd = dirname(SOURCE_BENCH_DIR)): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const hash = git('rev-parse', 'HEAD').slice(0, 7); // exactly 7: the form the page and its test read
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return dirty ? `${hash} + uncommitted changes` : hash;
  } catch {
    return 'not recorded (not a git checkout)';
  }
}

export function machineNow(load?: string): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.availableParallelism()} cores ${cpu}, Node ${process.versions.node}; ${load ?? `load ${os.loadavg()[0]!.toFixed(2)} (1-min average when recorded)`}`;
}

const utcMinute = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The complete row, validated; a missing or malformed field is a one-line SnnError naming it. */
export function completeRow(measured: Measured, target: RecordTarget, now = new Date(), commit = currentCommit()): ResultRow {
  const { load, notes: _notes, ...fields } = measured as Measured & Record<string, unknown>;
  return validRow({ topic: target.topic, ...fields, commit, date: utcMinute(now), machine: machineNow(load), log: `log/${target.topic}.md#${target.anchor}` });
}

export function validRow(row: unknown): ResultRow {
  const parsed = resultRow.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const given = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | null | undefined)?.[k as PropertyKey], row);
    const what = issue.code === 'invalid_type' && given === undefined ? 'is missing' : issue.message;
    throw new SnnError('config.invalid', `result row: ${path || 'row'} ${what}`, `a row has: ${Object.keys(resultRow.shape).join(', ')}`);
  }
  return parsed.data;
}

/** The lab-log entry that records the row (the page test checks it holds figure, commit and date). */
export function logEntry(row: ResultRow, anchor: string, notes: readonly string[] = []): string {
  return [
    `<a id="${anchor}"></a>`,
    `## ${row.what}`,
    '',
    `Recorded by the driver (\`--record\`) on ${row.date}; commit ${row.commit}; ${row.machine}; backend: ${row.backend}.`,
    '',
    '```sh',
    row.command,
    '```',
    '',
    `- ${row.metric}: **${formatValue(row)}**${row.compare ? ` (compared with: ${row.compare})` : ''}`,
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

export interface RecordOptions {
  /** The folder holding results/ and log/ (default: $SNN_BENCH_DIR, else bench/). */
  benchDir?: string;
  now?: Date;
  commit?: string;
}

/**
 * The checks a driver runs before it measures (a typo should not cost a run): the table exists,
 * TOPIC#ANCHOR is well formed, and the anchor is new in its log file.
 */
export function checkRecordTarget(table: string, spec: string, benchDir = BENCH_DIR): RecordTarget & { logFile: string } {
  if (!(TABLES as readonly string[]).includes(table)) throw new SnnError('usage', `unknown results table '${table}'`, `one of: ${TABLES.join(', ')}`);
  const target = parseRecordTarget(spec);
  const logFile = join(benchDir, 'log', `${target.topic}.md`);
  if (existsSync(logFile) && readFileSync(logFile, 'utf8').includes(`<a id="${target.anchor}"></a>`)) {
    throw new SnnError('usage', `bench/log/${target.topic}.md already has an entry '${target.anchor}'`, 'log entries are never edited: record a re-measurement under a new anchor');
  }
  return { ...target, logFile };
}

/** Appends the log entry and the row; returns the row. Nothing is written if either would be wrong. */
export function recordResult(table: string, spec: string, measured: Measured, opts: RecordOptions = {}): ResultRow {
  const bench = opts.benchDir ?? BENCH_DIR;
  const target = checkRecordTarget(table, spec, bench);
  const row = completeRow(measured, target, opts.now, opts.commit);
  const logFile = target.logFile;
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : `# ${target.topic}\n`;
  const rowsFile = join(bench, 'results', `${table}.jsonl`);
  const rows = existsSync(rowsFile) ? readFileSync(rowsFile, 'utf8') : '';
  mkdirSync(dirname(logFile), { recursive: true });
  mkdirSync(dirname(rowsFile), { recursive: true });
  writeFileAtomic(logFile, `${log.replace(/\n*$/, '\n\n')}${logEntry(row, target.anchor, measured.notes)}`);
  writeFileAtomic(rowsFile, `${rows}${rows === '' || rows.endsWith('\n') ? '' : '\n'}${JSON.stringify(row)}\n`);
  return row;
}

/**
 * For a TypeScript driver: checks `--record SPEC` before the measurement starts and returns the
 * function that records it at the end (a no-op without `--record`). `command` is the driver's
 * command line as run; the load is read at both ends unless the measurement gives its own.
 */
export function startRecording(table: TableName, spec: string | undefined, command: readonly string[], benchDir = BENCH_DIR): (m: Omit<Measured, 'command'>) => void {
  if (spec === undefined) return () => {};
  checkRecordTarget(table, spec, benchDir);
  const before = os.loadavg()[0]!;
  return (m) => {
    const load = m.load ?? `load ${before.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)} (1-min average before → after)`;
    const row = recordResult(table, spec, { ...m, load, command: shellCommand(withoutRecord(command)) }, { benchDir });
    process.stderr.write(recordedNote(row, table, benchDir));
  };
}

/** How a bench script was started: `npx tsx bench/x.ts …` from the sources, `node dist/bench/x.js …` built. */
export function scriptCommand(argv: readonly string[] = process.argv): string[] {
  const script = relative(dirname(SOURCE_BENCH_DIR), argv[1] ?? '').replace(/\\/g, '/');
  return [...(script.endsWith('.ts') ? ['npx', 'tsx'] : ['node']), script, ...argv.slice(2)];
}

/** The help line of every driver's `--record` option. */
export const RECORD_HELP = 'append the headline figure to bench/results/*.jsonl, with a new lab-log entry bench/log/TOPIC.md#ANCHOR (then: npx tsx bench/results-table.ts; default: nothing is recorded)';

/** `--record X` or `--record=X` of an argument list, if given. */
export function recordSpec(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf('--record');
  if (i >= 0) {
    if (argv[i + 1] === undefined) throw new SnnError('usage', '--record needs TOPIC#ANCHOR', 'e.g. --record cuba#n4000-idle');
    return argv[i + 1];
  }
  return argv.find((a) => a.startsWith('--record='))?.slice('--record='.length);
}

/** The message a driver prints after recording. */
export const recordedNote = (row: ResultRow, table: string, benchDir = BENCH_DIR): string =>
  `recorded: ${row.what} = ${formatValue(row)} → ${join(benchDir, 'results', `${table}.jsonl`)} and ${join(benchDir, row.log)} (then: npx tsx bench/results-table.ts)\n`;

function main(argv: readonly string[]): void {
  const opt = (name: string): string => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0 || argv[i + 1] === undefined) throw new SnnError('usage', `results-row: --${name} is required`, 'usage: results-row.ts --table speed|accuracy --record TOPIC#ANCHOR < row.json');
    return argv[i + 1]!;
  };
  const table = opt('table');
  const spec = opt('record');
  if (argv.includes('--check')) {
    checkRecordTarget(table, spec);
    return;
  }
  let measured: unknown;
  try {
    measured = JSON.parse(readFileSync(0, 'utf8'));
  } catch {
    throw new SnnError('io.corrupt', 'results-row: standard input is not one JSON object', 'pipe the measured fields as JSON');
  }
  if (typeof measured !== 'object' || measured === null || Array.isArray(measured)) throw new SnnError('io.corrupt', 'results-row: standard input is not one JSON object', 'pipe the measured fields as JSON');
  process.stdout.write(recordedNote(recordResult(table, spec, measured as Measured), table));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof SnnError)) throw e;
    console.error(`error: ${e.oneLine()}`);
    process.exitCode = e.exitCode;
  }
}
