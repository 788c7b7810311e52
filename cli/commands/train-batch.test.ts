/**
 * `snn train --model lif-mlp` and `snn eval` from the command line: a local rule name exits 2 with
 * one line naming the batch rules (and leaves no run directory); a run and its eval agree.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';

let stderr = '';
let stdout = '';
beforeEach(() => {
  stderr = '';
  stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const TRAIN = ['train', '--model', 'lif-mlp', '--neurons', '8', '--train-samples', '32', '--test-samples', '20', '--seed', '2', '--set', 'steps=6', '--no-progress'];

describe('snn train --model lif-mlp', () => {
  it.each([
    ['pair-stdp', /--rule pair-stdp: 'pair-stdp' is a local rule; lif-mlp trains with a batch rule \(batch rules: spsa, surrogate-bptt\)/],
    ['input->exc=spsa', /takes no target/],
  ])('--rule %s: exit 2, one line naming the batch rules', async (rule, line) => {
    const out = join(mkdtempSync(join(tmpdir(), 'snn-cli-batch-')), 'run');
    const code = await main([...TRAIN, '--rule', rule, '--out', out]);
    const lines = stderr.split('\n').filter((l) => l.length > 0);
    expect(lines, stderr).toHaveLength(1);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(line);
    expect(existsSync(out)).toBe(false);
  });

  it('--optimizer on a local-rule model is refused', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'snn-cli-batch-')), 'run');
    const code = await main(['train', '--neurons', '10', '--train-samples', '5', '--test-samples', '5', '--seed', '1', '--no-progress', '--optimizer', 'adam', '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--optimizer names the update transform of batch rules; hao2020 learns with local rules/);
  });

  it('trains with --rule/--optimizer/--policy, and snn eval prints the same accuracy', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'snn-cli-batch-')), 'run');
    expect(await main([...TRAIN, '--rule', 'surrogate-bptt', '--optimizer', 'adam', '--policy', 'lr-batch-scaling', '--out', out, '--json'])).toBe(0);
    const s = JSON.parse(stdout) as { accuracy: number; backend: string; rule: string; transforms: string[]; policies: string[] };
    expect(s.rule).toBe('surrogate-bptt');
    expect(s.transforms[0]).toMatch(/^adam /);
    expect(s.policies[0]).toMatch(/^lr-batch-scaling /);
    expect(s.backend).toMatch(/^tfjs /);
    const last = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').at(-1)!) as { accuracy: number };
    expect(s.accuracy).toBe(last.accuracy);
    stdout = '';
    expect(await main(['eval', out, '--json', '--no-progress'])).toBe(0);
    const e = JSON.parse(stdout) as { accuracy: number; testSamples: number; backend: string };
    expect(e.accuracy).toBe(last.accuracy);
    expect(e.testSamples).toBe(20);
    expect(e.backend).toBe(s.backend);
    // --resume of a finished run changes nothing and reports it
    stdout = '';
    expect(await main(['train', '--resume', out, '--no-progress', '--json'])).toBe(0);
    expect((JSON.parse(stdout) as { accuracy: number }).accuracy).toBe(last.accuracy);
  }, 60_000);
});
