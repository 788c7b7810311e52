import { describe, expect, it } from 'vitest';
import { missingNote, need, onCi, requirement } from './requirement.js';

describe('requirements of tests', () => {
  const there = requirement('x', 'apt-get install x', () => true);
  const missing = requirement('the y tool', 'apt-get install y', () => false);
  const skipper = () => {
    const notes: string[] = [];
    return { notes, ctx: { skip: ((note?: string) => void notes.push(note ?? '')) as never } };
  };

  it('a present requirement neither skips nor fails', () => {
    const s = skipper();
    need(s.ctx, there, { CI: 'true' });
    need(s.ctx, there, {});
    expect(s.notes).toEqual([]);
  });

  it('a missing one skips with what to install, off CI', () => {
    const s = skipper();
    need(s.ctx, missing, {});
    expect(s.notes).toEqual(['needs the y tool — install: apt-get install y']);
    expect(missingNote(missing)).toBe(s.notes[0]);
  });

  it('a missing one fails on CI, naming what to install', () => {
    const s = skipper();
    expect(() => need(s.ctx, missing, { CI: 'true' })).toThrow(/needs the y tool — install: apt-get install y/);
    expect(s.notes).toEqual([]);
  });

  it('CI is on for any value but empty, false and 0', () => {
    expect([{ CI: 'true' }, { CI: '1' }, { CI: 'yes' }].map((e) => onCi(e))).toEqual([true, true, true]);
    expect([{}, { CI: '' }, { CI: 'false' }, { CI: '0' }].map((e) => onCi(e))).toEqual([false, false, false, false]);
  });

  it('probes once', () => {
    let calls = 0;
    const r = requirement('z', 'z', () => (calls++, false));
    r.available();
    r.available();
    expect(calls).toBe(1);
  });
});
