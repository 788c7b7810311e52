/**
 * Writer behaviour: bounded memory, crash-readable partial files, and validation of what callers pass.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import type { TraceHeaderInput } from './trace-format.js';
import { readTrace, TraceReader } from './trace-reader.js';
import { childEnv } from '../test/helpers/test-env.js';
import { TraceWriter } from './trace-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snn-trace-writer-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tmp = () => path.join(dir, `w-${fileNo++}.snntrace`);

const header = (sizes: number[], extra: Partial<TraceHeaderInput> = {}): TraceHeaderInput => ({
  dt: null,
  mode: 'exact',
  populations: sizes.map((size, k) => ({ name: `p${k}`, size })),
  seed: 0,
  descriptionHash: '0'.repeat(64),
  snnVersion: '0.1.0',
  ...extra,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SnnError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('TraceWriter', () => {
  it('keeps memory flat: 10⁷ spikes never buffer more than chunkSpikes per population', () => {
    const file = tmp();
    const chunkSpikes = 65536;
    const pops = 3;
    const w = TraceWriter.open(file, header([1000, 1000, 1000]), { chunkSpikes });
    // One reused batch per "step", like a recorder: 1000 spikes per population per call.
    const batch = 1000;
    const times = new Float64Array(batch);
    const ids = new Int32Array(batch);
    let maxBuffered = 0;
    let written = 0;
    for (let step = 0; written < 1e7; step++) {
      for (let i = 0; i < batch; i++) {
        times[i] = step * 0.1;
        ids[i] = (i * 7 + step) % 1000;
      }
      const pop = step % pops;
      w.writeSpikes(pop, times, ids, batch);
      written += batch;
      if (w.bufferedSpikes > maxBuffered) maxBuffered = w.bufferedSpikes;
    }
    expect(maxBuffered).toBeLessThanOrEqual(chunkSpikes * pops);
    expect(maxBuffered).toBeGreaterThan(chunkSpikes); // the bound is reached, not trivially met
    // The file grows while writing: spikes are not piling up in memory.
    expect(fs.statSync(`${file}.partial`).size).toBeGreaterThan(1e7 * 12 * 0.95);
    w.close();
    expect(w.bufferedSpikes).toBe(0);
    const r = TraceReader.open(file);
    let total = 0;
    for (const c of r.chunks()) if (c.kind === 'spikes') total += c.ids.length;
    r.close();
    expect(total).toBe(1e7);
    expect(r.status?.complete).toBe(true);
  });

  it('leaves a readable .partial file while running and renames it only at close', () => {
    const file = tmp();
    const w = TraceWriter.open(file, header([4]), { chunkSpikes: 2 });
    expect(w.partialPath).toBe(`${file}.partial`);
    w.writeSpikes(0, [1, 2, 3], [0, 1, 2]);
    expect(fs.existsSync(file)).toBe(false);
    const mid = readTrace(`${file}.partial`);
    expect(mid).toMatchObject({ complete: false, chunks: 1, stopped: null });
    w.flush(); // the buffered third spike reaches the file without closing
    expect(readTrace(`${file}.partial`).populations[0]!.ids.length).toBe(3);
    w.close({ tStop: 5 });
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect(readTrace(file)).toMatchObject({ complete: true, chunks: 2, end: { spikes: [3], tStop: 5 } });
    expect(codeOf(() => w.writeSpikes(0, [6], [0]))).toBe('usage');
  });

  it('rejects out-of-order, non-finite and out-of-range spikes without buffering any of the call', () => {
    const w = TraceWriter.open(tmp(), header([4, 2]), { chunkSpikes: 8 });
    w.writeSpikes(0, [1, 2], [0, 1]);
    expect(codeOf(() => w.writeSpikes(0, [3, 1.5], [0, 0]))).toBe('usage'); // goes back in time
    expect(codeOf(() => w.writeSpikes(0, [0.5], [0]))).toBe('usage'); // before the last written
    expect(codeOf(() => w.writeSpikes(0, [NaN], [0]))).toBe('usage');
    expect(codeOf(() => w.writeSpikes(0, [Infinity], [0]))).toBe('usage');
    expect(codeOf(() => w.writeSpikes(1, [3], [2]))).toBe('usage'); // id ≥ size
    expect(codeOf(() => w.writeSpikes(1, [3], [-1]))).toBe('usage');
    expect(codeOf(() => w.writeSpikes(2, [3], [0]))).toBe('usage'); // no population 2
    expect(codeOf(() => w.writeSpikes(0, [3], [0], 2))).toBe('usage'); // count beyond arrays
    expect(w.bufferedSpikes).toBe(2);
    w.writeSpikes(1, [2], [1]); // spikes of another population may be earlier
    expect(codeOf(() => w.writeState(0, 'v', new Int32Array([0]), new Float64Array([1]), new Float32Array(2)))).toBe('usage');
    expect(codeOf(() => w.writeState(0, 'v', new Int32Array([9]), new Float64Array([1]), new Float32Array(1)))).toBe('usage');
    w.abort();
  });

  it('a process killed (SIGKILL) mid-run leaves a .partial file readable up to its last complete chunk', async () => {
    const file = tmp();
    const script = path.join(dir, 'kill-me.ts');
    const writerUrl = new URL('./trace-writer.ts', import.meta.url).href;
    fs.writeFileSync(
      script,
      `import { TraceWriter } from ${JSON.stringify(writerUrl)};
const w = TraceWriter.open(${JSON.stringify(file)}, { dt: 0.1, mode: 'clock', populations: [{ name: 'a', size: 100 }], seed: 1, descriptionHash: '${'1'.repeat(64)}', snnVersion: 'test' }, { chunkSpikes: 5000 });
const t = new Float64Array(1000), id = new Int32Array(1000);
for (let step = 0; ; step++) {
  for (let i = 0; i < 1000; i++) { t[i] = step; id[i] = (i + step) % 100; }
  w.writeSpikes(0, t, id);
}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'ignore', env: childEnv() });
    const partial = `${file}.partial`;
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 50_000; // tsx start-up on a loaded machine
      const poll = setInterval(() => {
        const size = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
        if (size > 2_000_000 || Date.now() > deadline) {
          clearInterval(poll);
          child.kill('SIGKILL');
          size > 2_000_000 ? resolve() : reject(new Error('the child never wrote its trace'));
        }
      }, 5);
    });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(fs.existsSync(file)).toBe(false);
    // The kill may tear the chunk being written: allowPartial keeps every complete one.
    const d = readTrace(partial, { allowPartial: true });
    expect(d.complete).toBe(false);
    expect(d.chunks).toBeGreaterThan(10);
    expect(d.populations[0]!.ids.length).toBe(d.chunks * 5000);
    expect(d.stopped === null || d.stopped.code === 'io.truncated').toBe(true);
  });

  it('validates the header with config.invalid', () => {
    expect(codeOf(() => TraceWriter.open(tmp(), header([4], { mode: 'clock', dt: null })))).toBe('config.invalid');
    expect(codeOf(() => TraceWriter.open(tmp(), header([4], { dt: 0.1 })))).toBe('config.invalid'); // exact with dt
    expect(codeOf(() => TraceWriter.open(tmp(), header([0])))).toBe('config.invalid');
    expect(codeOf(() => TraceWriter.open(tmp(), header([])))).toBe('config.invalid');
    expect(codeOf(() => TraceWriter.open(tmp(), { ...header([3]), populations: [{ name: 'a', size: 1 }, { name: 'a', size: 2 }] }))).toBe('config.invalid');
    expect(codeOf(() => TraceWriter.open(tmp(), header([3], { descriptionHash: 'xyz' })))).toBe('config.invalid');
    expect(codeOf(() => TraceWriter.open(tmp(), header([3]), { chunkSpikes: 0 }))).toBe('config.invalid');
    expect(codeOf(() => TraceWriter.open(path.join(dir, 'no-such-dir', 'x.snntrace'), header([3])))).toBe('io.missing');
  });
});
