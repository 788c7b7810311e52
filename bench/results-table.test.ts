import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_DIR, formatValue, logTargetExists, readAllRows, readRows, renderPage, RESULTS_DIR, RESULTS_PAGE, type ResultRow } from './results-table.js';

const page = readFileSync(RESULTS_PAGE, 'utf8');
const tables = readAllRows();
const rows = [...tables.values()].flat();
const logText = (row: ResultRow): string => readFileSync(join(BENCH_DIR, row.log.split('#')[0]!), 'utf8');

/** Number tokens a reader sees: link targets, anchors and comments are addresses, not figures. */
function figures(markdown: string): string[] {
  const visible = markdown.replace(/<!--[\s\S]*?-->/g, '').replace(/<a id="[^"]*"><\/a>/g, '').replace(/\]\([^)]*\)/g, ']');
  return visible.match(/\d+(?:\.\d+)?/g) ?? [];
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('bench/RESULTS.md', () => {
  it('stays a page a reader can take in (at most 200 lines)', () => {
    expect(page.split('\n').length).toBeLessThanOrEqual(200);
  });

  it('shows exactly the tables its jsonl rows render', () => {
    expect(tables.size).toBeGreaterThan(0);
    expect(renderPage(page, tables)).toBe(page);
    for (const name of tables.keys()) expect(page).toContain(`<!-- results-table:${name} -->`);
  });

  it('has every figure on it in a jsonl row', () => {
    const corpus = readFileSync(join(RESULTS_DIR, 'accuracy.jsonl'), 'utf8') + readFileSync(join(RESULTS_DIR, 'speed.jsonl'), 'utf8') + rows.map(formatValue).join(' ');
    const missing = figures(page).filter((f) => !corpus.includes(f));
    expect(missing).toEqual([]);
  });

  it('links every row to an existing log file and anchor that records its figure, commit and date', () => {
    for (const row of rows) {
      expect(logTargetExists(row.log), row.log).toBe(true);
      const log = logText(row);
      const values = typeof row.value === 'number' ? [row.value] : row.value;
      for (const v of values) expect(log, `${row.what}: ${v}`).toContain(v.toFixed(row.precision));
      for (const f of figures(row.compare)) expect(log, `${row.what}: compare ${f}`).toContain(f);
      for (const hash of row.commit.match(/\b[0-9a-f]{7}\b/g) ?? []) expect(log, `${row.what}: commit ${hash}`).toContain(hash);
      if (!/\b[0-9a-f]{7}\b/.test(row.commit)) expect(row.commit).toMatch(/^not recorded/);
      expect(log, `${row.what}: date`).toContain(row.date.slice(0, 10));
    }
  });

  it('links only to log files and headings that exist', () => {
    for (const [, target] of page.matchAll(/\]\((log\/[^)#]+)(?:#[^)]*)?\)/g)) expect(() => readFileSync(join(BENCH_DIR, target!))).not.toThrow();
  });
});

describe('README "Where it stands"', () => {
  const readme = readFileSync(join(BENCH_DIR, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Where it stands'), readme.indexOf('\n## ', readme.indexOf('## Where it stands') + 1));

  it('shows only figures that are on the results page', () => {
    const onPage = figures(page).join(' ');
    const decimals = figures(section).filter((f) => f.includes('.'));
    expect(decimals.length).toBeGreaterThan(10);
    expect(decimals.filter((f) => !onPage.split(' ').includes(f))).toEqual([]);
  });

  it('links into headings of the page', () => {
    const anchors = new Set([...page.matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1]!)));
    const links = [...section.matchAll(/\(bench\/RESULTS\.md#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const a of links) expect(anchors, a).toContain(a);
  });
});

describe('results-table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'results-table-'));
  const good: ResultRow = { topic: 't', what: 'w | x', metric: 'm', value: [1.8, 1.93], precision: 2, unit: '×', compare: '', command: 'a|b', commit: 'not recorded', date: '2026-11-29', machine: 'm', backend: 'b', log: 'log/t.md#e' };

  it('formats a range with the recorded decimals and escapes table pipes', () => {
    expect(formatValue(good)).toBe('1.80–1.93×');
    expect(formatValue({ ...good, value: 94, precision: 1, unit: '%' })).toBe('94.0 %');
    const table = renderPage('x\n<!-- results-table:t -->\nold\n<!-- /results-table:t -->\ny', new Map([['t', [good]]]));
    expect(table).toContain('| w \\| x | **1.80–1.93×** | m | – | `a\\|b` |');
    expect(table.startsWith('x\n<!-- results-table:t -->\n| result |')).toBe(true);
    expect(table.endsWith('|\n<!-- /results-table:t -->\ny')).toBe(true);
  });

  it('writes a missing command as prose, not as code', () => {
    const table = renderPage('<!-- results-table:t -->\n<!-- /results-table:t -->', new Map([['t', [{ ...good, command: 'not recorded (a one-off script)' }]]]));
    expect(table).toContain('| – | not recorded (a one-off script) | not recorded |');
  });

  it('refuses a row without a field, naming the file and line', () => {
    const f = join(dir, 'bad.jsonl');
    const { commit: _omit, ...noCommit } = good;
    writeFileSync(f, `${JSON.stringify(good)}\n${JSON.stringify(noCommit)}\n`);
    expect(() => readRows(f)).toThrow(expect.objectContaining({ name: 'SnnError', message: expect.stringMatching(/^bad\.jsonl line 2: commit/) }));
  });

  it('refuses a log link that is not log/<topic>.md#<anchor>', () => {
    const f = join(dir, 'link.jsonl');
    writeFileSync(f, JSON.stringify({ ...good, log: 'RESULTS.md' }) + '\n');
    expect(() => readRows(f)).toThrow(/line 1: log/);
  });

  it('refuses a marked table without rows', () => {
    expect(() => renderPage('<!-- results-table:none -->\n<!-- /results-table:none -->', new Map())).toThrow(/none\.jsonl does not exist/);
  });
});
