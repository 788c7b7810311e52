import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cliEntry, ROOT } from '../test/helpers/cli-bin.js';
import { BRIAN2, needAll, TORCH } from '../test/helpers/requirement.js';
import { checkRecordTarget, currentCommit, type Measured, parseRecordTarget, recordResult, shellCommand, validRow, withoutRecord } from './results-row.js';
import { formatValue, logTargetExists, readRows, renderPage, type ResultRow } from './results-table.js';

const measured: Measured = { what: 'w', metric: 'm', value: 0.93, precision: 2, unit: '×', compare: 'snn 0.0414 s, Brian2 0.0447 s', command: 'bash x.sh --n 1', backend: 'b' };
const PAGE = '# page\n<!-- results-table:speed -->\n<!-- /results-table:speed -->\n<!-- results-table:accuracy -->\n<!-- /results-table:accuracy -->\n';

/** A bench folder of its own: a page marking both tables, one row already in speed.jsonl. */
function benchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'results-row-'));
  mkdirSync(join(dir, 'results'));
  mkdirSync(join(dir, 'log'));
  writeFileSync(join(dir, 'RESULTS.md'), PAGE);
  recordResult('speed', 'old#first', measured, { benchDir: dir, commit: 'abcdef1' });
  writeFileSync(join(dir, 'results', 'accuracy.jsonl'), '');
  return dir;
}

const lines = (f: string): string[] => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '');

/** What the page test (results-table.test.ts) demands of a row and its log entry. */
function expectTraceable(dir: string, row: ResultRow): void {
  expect(logTargetExists(row.log, dir)).toBe(true);
  const log = readFileSync(join(dir, row.log.split('#')[0]!), 'utf8');
  for (const v of typeof row.value === 'number' ? [row.value] : row.value) expect(log).toContain(v.toFixed(row.precision));
  for (const hash of row.commit.match(/\b[0-9a-f]{7}\b/g) ?? []) expect(log).toContain(hash);
  expect(log).toContain(row.date.slice(0, 10));
  expect(log).toContain(row.command);
}

describe('the row writer', () => {
  it('refuses a row missing a field with a one-line error naming it', () => {
    const { metric: _m, ...noMetric } = measured;
    expect(() => validRow({ ...noMetric, topic: 't', commit: 'c', date: 'd', machine: 'm', log: 'log/t.md#a' })).toThrow(
      expect.objectContaining({ name: 'SnnError', message: 'result row: metric is missing' }),
    );
    expect(() => validRow({ ...measured, value: [1, 'x'], topic: 't', commit: 'c', date: 'd', machine: 'm', log: 'log/t.md#a' })).toThrow(/^result row: value Invalid input/);
    const dir = benchDir();
    expect(() => recordResult('speed', 'cuba#new', noMetric as Measured, { benchDir: dir })).toThrow(/^result row: metric is missing$/);
    expect(lines(join(dir, 'results', 'speed.jsonl'))).toHaveLength(1);
    expect(existsSync(join(dir, 'log', 'cuba.md'))).toBe(false);
  });

  it('refuses a malformed spec, an unknown table and an anchor already used, before writing anything', () => {
    const dir = benchDir();
    expect(() => parseRecordTarget('Cuba')).toThrow(/TOPIC#ANCHOR/);
    expect(() => checkRecordTarget('speeds', 'cuba#a', dir)).toThrow(/unknown results table 'speeds'/);
    expect(() => recordResult('speed', 'old#first', measured, { benchDir: dir })).toThrow(/already has an entry 'first'/);
    expect(lines(join(dir, 'results', 'speed.jsonl'))).toHaveLength(1);
  });

  it('appends exactly one row and a log entry that records its figure, commit and date', () => {
    const dir = benchDir();
    const before = readFileSync(join(dir, 'log', 'old.md'), 'utf8');
    const row = recordResult('speed', 'old#second', { ...measured, value: [1.8, 1.93], notes: ['n1'] }, { benchDir: dir, now: new Date('2026-12-07T21:40:00Z'), commit: '1234abc' });
    const rows = readRows(join(dir, 'results', 'speed.jsonl'));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(row);
    expect(row).toMatchObject({ topic: 'old', date: '2026-12-07 21:40 UTC', commit: '1234abc', log: 'log/old.md#second' });
    const log = readFileSync(join(dir, 'log', 'old.md'), 'utf8');
    expect(log.startsWith(before)).toBe(true); // the earlier entry is untouched
    expect(log).toContain('- n1');
    expectTraceable(dir, row);
  });

  it('records any figure so that the page renders it and its log entry holds it (property)', () => {
    const dir = benchDir();
    let n = 0;
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 6 }), fc.string({ minLength: 1, maxLength: 20 }), (value, precision, what) => {
        const row = recordResult('accuracy', `t#p${n++}`, { ...measured, what, value, precision }, { benchDir: dir, commit: 'abcdef1' });
        expectTraceable(dir, row);
        expect(renderPage(PAGE, new Map([['speed', []], ['accuracy', [row]]]))).toContain(`**${formatValue(row)}**`);
      }),
      { numRuns: 40 },
    );
    expect(readRows(join(dir, 'results', 'accuracy.jsonl'))).toHaveLength(n);
  });

  it('names the commit of the checkout, and writes a command that the shell reads back as the same words', () => {
    expect(currentCommit()).toMatch(/^[0-9a-f]{7}( \+ uncommitted changes)?$/);
    const argv = ['bench', '--ours-args=--jit-warmup', "it's", 'a b', '--record', 'cuba#x', '--record=cuba#y', '$HOME'];
    expect(withoutRecord(argv)).toEqual(['bench', '--ours-args=--jit-warmup', "it's", 'a b', '$HOME']);
    const echoed = spawnSync('bash', ['-c', `printf '%s\\n' ${shellCommand(withoutRecord(argv))}`], { encoding: 'utf8' }).stdout;
    expect(echoed.split('\n').slice(0, -1)).toEqual(withoutRecord(argv));
  });

  it('as a command, reads the measured fields from stdin and refuses a missing one in one line, exit 2', () => {
    const dir = benchDir();
    const run = (input: string, ...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'bench/results-row.ts', ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, SNN_BENCH_DIR: dir } });
    const { unit: _u, ...noUnit } = measured;
    const bad = run(JSON.stringify(noUnit), '--table', 'speed', '--record', 'cuba#a');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: result row: unit is missing \(a row has: topic, /)]);
    expect(run('', '--table', 'speed', '--record', 'old#first', '--check').stderr).toMatch(/already has an entry/);
    const good = run(JSON.stringify(measured), '--table', 'speed', '--record', 'cuba#a');
    expect(good.status).toBe(0);
    expect(readRows(join(dir, 'results', 'speed.jsonl'))).toHaveLength(2);
  });
});

/** `npx tsx bench/results-table.ts` on the bench folder `dir`: the page it regenerates. */
function regenerate(dir: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/results-table.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SNN_BENCH_DIR: dir } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(join(dir, 'RESULTS.md'), 'utf8');
}

describe('a driver run with --record', () => {
  it('snn bench cuba appends exactly one valid row, and the regenerated page shows it', () => {
    const dir = benchDir();
    const r = spawnSync(process.execPath, [cliEntry(), 'bench', 'cuba', '--neurons', '200', '--duration', '20', '--record', 'cuba#tiny'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SNN_BENCH_DIR: dir } });
    expect(r.status, r.stderr).toBe(0);
    const rows = readRows(join(dir, 'results', 'speed.jsonl'));
    expect(rows).toHaveLength(2);
    const row = rows[1]!;
    expect(row).toMatchObject({ topic: 'cuba', what: 'CUBA N = 200, 0.02 s, snn alone', unit: 's', command: 'snn bench cuba --neurons 200 --duration 20', log: 'log/cuba.md#tiny' });
    expectTraceable(dir, row);
    expect(regenerate(dir)).toContain(`| ${row.what} | **${formatValue(row)}** |`);
  }, 120_000);

  describe('the PyTorch peer driver', () => {
    needAll(TORCH);
    it('surrogate-driver.py appends one snn / PyTorch row through the TS writer', () => {
      const dir = benchDir();
      const args = ['--samples', '32', '--test', '16', '--hidden', '8', '--steps', '4', '--batch', '16', '--json', '--record', 'tensor-mode#tiny'];
      const r = spawnSync('/usr/bin/python3', ['bench/peers/surrogate-driver.py', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SNN_BENCH_DIR: dir } });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { ratio: { cpuMsPerTrainSample: number } };
      const row = readRows(join(dir, 'results', 'speed.jsonl'))[1]!;
      expect(row.value).toBeCloseTo(out.ratio.cpuMsPerTrainSample, 2);
      expect(row.command).toBe('/usr/bin/python3 bench/peers/surrogate-driver.py --samples 32 --test 16 --hidden 8 --steps 4 --batch 16 --json');
      expectTraceable(dir, row);
      expect(regenerate(dir)).toContain(`**${formatValue(row)}**`);
    }, 300_000);
  });

  describe('the Brian2 peer drivers', () => {
    needAll(BRIAN2);
    it('check --record before measuring: a used anchor stops the run with one line', () => {
      const dir = benchDir();
      const r = spawnSync('bash', ['bench/peers/cuba-driver.sh', '--no-ours', '--record', 'old#first'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SNN_BENCH_DIR: dir } });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual(["error: bench/log/old.md already has an entry 'first' (log entries are never edited: record a re-measurement under a new anchor)"]);
    }, 60_000);

    it('refuse to record a run without a ratio (no snn result) and write nothing', () => {
      const dir = benchDir();
      const r = spawnSync('bash', ['bench/peers/cuba-driver.sh', '--no-ours', '--neurons', '50', '--duration', '10', '--targets', 'numpy', '--record', 'cuba#x'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SNN_BENCH_DIR: dir } });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/error: --record needs a ratio snn \/ Brian2/);
      expect(lines(join(dir, 'results', 'speed.jsonl'))).toHaveLength(1);
    }, 120_000);
  });
});
