/**
 * `snn export` in-process: the written file reads back to the source spikes; mistakes give one line, exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';
import { getFormat } from '../../io/formats/registry.js';

let dir: string;
let stderr: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'snn-export-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const source = { spikes: [[0.5, 3], [1.25, 130], [2, 3]], dt: 0.25 };

describe('snn export', () => {
  it.each([
    ['aedat4', 'o.aedat4'],
    ['nirdata', 'o.nirdata.h5'],
    ['csv', 'o.csv'],
  ])('writes %s that reads back to the source spikes', async (format, name) => {
    const src = join(dir, 's.json');
    writeFileSync(src, JSON.stringify(source));
    const out = join(dir, name);
    expect(await main(['export', src, '--format', format, '--out', out, '--size', '200'])).toBe(0);
    const back = await getFormat(format).read(out);
    const p = back.populations[0]!;
    expect(p.name).toBe('neurons');
    expect([...p.ids].sort((a, b) => a - b)).toEqual([3, 3, 130]);
    expect([...p.times].sort((a, b) => a - b)).toEqual([0.5, 1.25, 2]);
  });

  it('takes the format from the --out extension', async () => {
    const src = join(dir, 's.json');
    writeFileSync(src, JSON.stringify(source));
    expect(await main(['export', src, '--out', join(dir, 'x.lava.npy')])).toBe(0);
    const back = await getFormat('lava').read(join(dir, 'x.lava.npy'), { dt: 0.25 });
    expect([...back.populations[0]!.ids]).toEqual([3, 130, 3]);
  });

  it('unknown format: one line with a suggestion, exit 2', async () => {
    const src = join(dir, 's.json');
    writeFileSync(src, JSON.stringify(source));
    expect(await main(['export', src, '--format', 'nwbb', '--out', join(dir, 'x')])).toBe(2);
    expect(stderr).toBe("error: unknown export format 'nwbb' (did you mean 'nwb'? known formats: aedat2, aedat4, csv, lava, nirdata, npy, nwb, spikesourcearray)\n");
  });

  it('a Lava export without any dt names --dt', async () => {
    const src = join(dir, 's.json');
    writeFileSync(src, JSON.stringify({ spikes: source.spikes }));
    expect(await main(['export', src, '--format', 'lava', '--out', join(dir, 'x.npy')])).toBe(2);
    expect(stderr).toContain('--dt');
  });
});
