/**
 * `snn export TRACE --state v`: the exported samples equal the trace's, bit for bit, as CSV and
 * as .npy (float32 and float64 recordings), with a neuron subset and a time window; asking for
 * what was not recorded is a one-line error.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { parseNpyHeader } from './formats/npy.js';
import { readTrace } from './trace-reader.js';
import { TraceWriter } from './trace-writer.js';

let dir: string;
let stderr: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'snn-state-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

/** A trace with v of neurons 3, 5, 8 of 'exc' (float32 or float64), in two chunks. */
function writeTrace(values: Float32Array | Float64Array): string {
  const path = join(dir, `t${values.BYTES_PER_ELEMENT}.snntrace`);
  const w = TraceWriter.open(path, { dt: 0.1, mode: 'clock', populations: [{ name: 'exc', size: 10 }], seed: 1, descriptionHash: '0'.repeat(64), snnVersion: '0' });
  const times = Float64Array.from({ length: 40 }, (_, k) => 0.1 * k);
  const neurons = Int32Array.from([3, 5, 8]);
  w.writeState(0, 'v', neurons, times.subarray(0, 25), values.subarray(0, 75));
  w.writeState(0, 'v', neurons, times.subarray(25), values.subarray(75));
  w.writeSpikes(0, [1], [3]);
  w.close({ tStop: 4 });
  return path;
}

function values(Ctor: Float32ArrayConstructor | Float64ArrayConstructor): Float32Array | Float64Array {
  const v = new Ctor(120);
  for (let k = 0; k < v.length; k++) v[k] = -65 + Math.sin(k * 1.7) * 7.123456789;
  return v;
}

describe('snn export --state', () => {
  for (const Ctor of [Float32Array, Float64Array] as const) {
    it(`CSV holds the trace's ${Ctor.name} samples exactly`, async () => {
      const trace = writeTrace(values(Ctor));
      const out = join(dir, 'v.csv');
      expect(await main(['export', trace, '--state', 'v', '--out', out])).toBe(0);
      const [head, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
      expect(head).toBe('time_ms,exc[3],exc[5],exc[8]');
      const s = readTrace(trace).states[0]!;
      expect(rows.length).toBe(s.times.length);
      rows.forEach((row, r) => {
        const cells = row.split(',').map(Number);
        expect(cells[0]).toBe(s.times[r]);
        for (let c = 0; c < 3; c++) expect(cells[1 + c]).toBe(s.values[r * 3 + c]);
      });
    });

    it(`npy holds the trace's ${Ctor.name} samples exactly (neuron subset, time window)`, async () => {
      const trace = writeTrace(values(Ctor));
      const out = join(dir, 'v.npy');
      expect(await main(['export', trace, '--state', 'v', '--ids', '8,3', '--from', '1', '--to', '2', '--format', 'npy', '--out', out])).toBe(0);
      const bytes = new Uint8Array(readFileSync(out));
      const h = parseNpyHeader(bytes);
      const s = readTrace(trace).states[0]!;
      const rows = Array.from(s.times.keys()).filter((r) => s.times[r]! >= 1 && s.times[r]! < 2);
      expect(h.descr).toBe('<f8');
      expect(h.shape).toEqual([rows.length, 3]);
      const data = new Float64Array(bytes.slice(h.dataOffset).buffer);
      rows.forEach((r, k) => {
        expect(data[k * 3]).toBe(s.times[r]);
        expect(data[k * 3 + 1]).toBe(s.values[r * 3 + 2]); // neuron 8
        expect(data[k * 3 + 2]).toBe(s.values[r * 3 + 0]); // neuron 3
      });
    });
  }

  it('a variable or neuron that was not recorded is a one-line error naming what was', async () => {
    const trace = writeTrace(values(Float64Array));
    expect(await main(['export', trace, '--state', 'g_e', '--out', join(dir, 'x.csv')])).toBe(2);
    expect(stderr).toMatch(/^error: the trace has no recorded 'g_e' \(recorded: v:exc\)\n$/);
    stderr = '';
    expect(await main(['export', trace, '--state', 'v', '--ids', '4', '--out', join(dir, 'x.csv')])).toBe(2);
    expect(stderr).toMatch(/neuron 4 was not recorded \(recorded neurons: 3,5,8\)/);
    stderr = '';
    expect(await main(['export', trace, '--state', 'v', '--out', join(dir, 'x.aedat')])).toBe(2);
    expect(stderr).toMatch(/state variables are written as csv or npy/);
  });

  it('--record-state with nowhere to write the samples is an error, not silence', async () => {
    const net = join(dir, 'net.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(net, JSON.stringify({ populations: [{ name: 'n', size: 2, model: 'lif' }], duration: 5 }));
    expect(await main(['simulate', net, '--record-state', 'v:n', '--no-progress'])).toBe(2);
    expect(stderr).toMatch(/--record-state needs a trace to hold the samples \(add --out FILE\.snntrace\)/);
  });
});
