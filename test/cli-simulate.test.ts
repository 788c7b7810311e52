/**
 * `snn simulate` in-process: its spikes equal the library API's; bad input gives one line, exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { MemorySink } from '../engine/recorder-sink.js';
import { readTrace } from '../io/trace-reader.js';
import { parseDescription } from '../models/description.js';
import { simulate } from '../models/simulate.js';

const net = {
  dt: 0.1,
  duration: 200,
  seed: 5,
  populations: [
    { name: 'in', model: 'poisson', size: 30, rates: 50 },
    { name: 'exc', model: 'lif', size: 20, params: { tauM: 10, vRest: -65, vReset: -65, vThresh: -55, refractory: 2 } },
  ],
  projections: [{ from: 'in', to: 'exc', channel: 'v', connectivity: { probability: 0.3 }, weights: { uniform: [1, 4] } }],
};

let dir: string;
let stderr: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'snn-cli-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('snn simulate', () => {
  it('writes the same spikes as the library API (JSON and native trace)', async () => {
    const file = join(dir, 'net.json');
    writeFileSync(file, JSON.stringify(net));
    expect(await main(['simulate', file, '--record', 'spikes:exc', '--out', join(dir, 'o.json')])).toBe(0);
    expect(await main(['simulate', file, '--out', join(dir, 'o.snntrace')])).toBe(0);
    const sink = new MemorySink();
    simulate(parseDescription(net), { sink });
    const api = sink.spikes(1);
    expect(api.times.length).toBeGreaterThan(20);
    const json = JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8')) as { spikes: [number, number][] };
    expect(json.spikes.map((s) => s[1])).toEqual(Array.from(api.ids));
    json.spikes.forEach(([t], k) => expect(Math.abs(t - api.times[k]!)).toBeLessThan(1e-9));
    const trace = readTrace(join(dir, 'o.snntrace'));
    expect(Array.from(trace.populations[1]!.ids)).toEqual(Array.from(api.ids));
    expect(Array.from(trace.populations[1]!.times)).toEqual(Array.from(api.times));
  });

  it('rejects a misspelt field with one line naming it and the near name, exit 2', async () => {
    const file = join(dir, 'bad.json');
    const bad = structuredClone(net) as { populations: Array<Record<string, unknown>> };
    bad.populations[1]!.params = { tauMem: 10 };
    writeFileSync(file, JSON.stringify(bad));
    expect(await main(['simulate', file])).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/unknown field 'tauMem'.*did you mean 'tauM'/);
  });

  it('names the line of a JSON syntax error', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "dt": 0.1,\n  "populations": [\n}');
    expect(await main(['simulate', file])).toBe(2);
    expect(stderr).toMatch(/not valid JSON at line 4/);
  });
});
