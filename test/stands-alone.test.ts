/**
 * The repository stands alone: no file reads or cites anything outside the checkout (design notes,
 * a sibling folder of reference data). A plain clone must set up, run and pass its tests by itself.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli-bin.js';

const OUTSIDE = [/\.\.\/shared\b/, /\bshared\/(spec|reference)\b/, /\bspec\/[a-z-]+\.md\b/, /\bspec §/, /\(spec\b[^)]*§/];

describe('the repository stands alone', () => {
  it('no tracked file reads or cites paths outside the checkout', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|mjs|js|py|sh|md|json|yaml|yml|wat)$/.test(f) || f === '.ci/run')
      .filter((f) => f !== 'package-lock.json' && f !== 'test/stands-alone.test.ts');
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const f of files) {
      const lines = readFileSync(join(ROOT, f), 'utf8').split('\n');
      lines.forEach((line, k) => {
        if (OUTSIDE.some((re) => re.test(line))) hits.push(`${f}:${k + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
