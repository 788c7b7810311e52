import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { AtomicFileStream, writeFileAtomic } from './atomic.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snn-atomic-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes the data and leaves no temp file', () => {
    const f = path.join(dir, 'a.json');
    writeFileAtomic(f, '{"x":1}');
    writeFileAtomic(f, new Uint8Array([1, 2, 3])); // replaces atomically
    expect([...fs.readFileSync(f)]).toEqual([1, 2, 3]);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('a.json'))).toEqual(['a.json']);
  });

  it('names a missing directory with io.missing', () => {
    const f = path.join(dir, 'nope', 'b.json');
    expect(() => writeFileAtomic(f, 'x')).toThrow(SnnError);
    try {
      writeFileAtomic(f, 'x');
    } catch (e) {
      expect((e as SnnError).code).toBe('io.missing');
      expect((e as SnnError).message).toContain(f);
    }
  });
});

describe('AtomicFileStream', () => {
  it('shows nothing under the final name before commit, everything after', () => {
    const f = path.join(dir, 'c.bin');
    const s = AtomicFileStream.open(f, { tempPath: `${f}.partial` });
    s.write(new Uint8Array([1, 2]));
    s.writev([new Uint8Array([3]), new Uint8Array([4, 5])]);
    expect(fs.existsSync(f)).toBe(false);
    expect([...fs.readFileSync(`${f}.partial`)]).toEqual([1, 2, 3, 4, 5]);
    expect(s.bytesWritten).toBe(5);
    s.commit();
    expect([...fs.readFileSync(f)]).toEqual([1, 2, 3, 4, 5]);
    expect(fs.existsSync(`${f}.partial`)).toBe(false);
    expect(() => s.write(new Uint8Array([6]))).toThrow(SnnError);
  });

  it('abort removes the temp file unless asked to keep it', () => {
    const f = path.join(dir, 'd.bin');
    const s = AtomicFileStream.open(f);
    s.write(new Uint8Array([1]));
    s.abort();
    expect(fs.readdirSync(dir).some((n) => n.startsWith('d.bin'))).toBe(false);
    const k = AtomicFileStream.open(f, { tempPath: `${f}.partial` });
    k.abort(true);
    expect(fs.existsSync(`${f}.partial`)).toBe(true);
  });
});
