/**
 * The progress display: the bar never exceeds 80 columns and always shows its ETA; off a terminal
 * one plain line every few seconds; rate and ETA count only work done since the reporter started.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barLine, formatDuration, logLine, progressReporter } from './progress.js';

describe('barLine', () => {
  it("fits the width (60 to 80 columns) and keeps the ETA, whatever the counts and the detail text", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.string({ maxLength: 200 }), fc.integer({ min: 60, max: 80 }), (total, f, rate, detail, width) => {
        const done = Math.floor(f * total);
        const line = barLine({ label: 'train', unit: 'samples', done, total, rate, detail: detail.replace(/[\n\r]/g, ' ') }, width);
        expect([...line].length).toBeLessThanOrEqual(width);
        const eta = rate > 0 ? formatDuration((total - done) / rate) : '–';
        expect(line).toContain(`${done}/${total} ETA ${eta}`);
      }),
    );
  });
});

describe('formatDuration', () => {
  it('reads as hours, minutes, seconds', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(12 * 60 + 3)).toBe('12m03s');
    expect(formatDuration(3600 + 2 * 60 + 10)).toBe('1h02m');
    expect(formatDuration(100 * 3600 + 5)).toBe('4d04h');
    expect(formatDuration(1e300)).toBe('>999d');
    expect(formatDuration(Infinity)).toBe('–');
  });
});

describe('progressReporter off a terminal', () => {
  it('prints a log line every few seconds with the rate and ETA of the new work only', () => {
    let t = 0;
    const out: string[] = [];
    const r = progressReporter('train', 'samples', true, { tty: false, logEverySeconds: 5, now: () => t, write: (s) => void out.push(s), describe: (e) => String(e.detail) });
    // A resumed run: starts at 1000 of 3000, then 10 samples per second.
    for (let s = 0; s <= 30; s++) {
      t = 1000 * s;
      r.update(1000 + 10 * s, 3000, { detail: 'x' });
    }
    r.stop();
    // Lines at 2 s (once the rate is known), then every 5 s: 2, 7, 12, 17, 22, 27.
    expect(out).toHaveLength(6);
    expect(out[0]).toBe(`${logLine({ label: 'train', unit: 'samples', done: 1020, total: 3000, rate: 10, detail: 'x' })}\n`);
    expect(out[0]).toBe('train: 1020/3000 samples (34 %), 10.0 samples/s, ETA 3m18s; x\n');
    for (const line of out) expect(line).toMatch(/^train: \d+\/3000 samples \(\d+ %\), 10\.0 samples\/s, ETA \S+; x\n$/);
  });

  it('prints log() lines as they come and nothing when disabled', () => {
    const out: string[] = [];
    const r = progressReporter('train', 'samples', false, { tty: false, now: () => 1e6, write: (s) => void out.push(s) });
    r.update(5, 10);
    r.log('evaluation at 5/10');
    expect(out).toEqual(['evaluation at 5/10\n']);
  });
});
