/**
 * `snn train --rule` / `--recipe` from the command line: a bad rule string exits 2 with one line
 * naming the problem and the known names, and writes no run directory.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const TRAIN = ['train', '--neurons', '10', '--train-samples', '5', '--test-samples', '5', '--seed', '1', '--no-progress', '--eval-workers', '1'];

describe('snn train --rule', () => {
  it.each([
    ['input->exc=pair-stpd', /unknown plasticity rule 'pair-stpd' \(did you mean 'pair-stdp'\?/],
    ['input->exk=pair-stdp', /no projection of that name \(did you mean 'input->exc'\?/],
    ['exc=sym-stdp', /sym-stdp attaches to a projection, but 'exc' is a population/],
    ['input->exc=sym-stdp:etaa=0.1', /has no option 'etaa' \(did you mean 'eta'\?/],
  ])('%s: exit 2, one line', async (rule, line) => {
    const out = join(mkdtempSync(join(tmpdir(), 'snn-cli-rule-')), 'run');
    const code = await main([...TRAIN, '--rule', rule, '--out', out]);
    const lines = stderr.split('\n').filter((l) => l.length > 0);
    expect(lines, stderr).toHaveLength(1);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(line);
    expect(existsSync(out)).toBe(false);
  });

  it('--rule with --resume is refused', async () => {
    const code = await main(['train', '--resume', tmpdir(), '--rule', 'input->exc=pair-stdp', '--no-progress']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: --resume continues the run as it was started \(its config\.json\); --rule would be ignored/);
  });
});
