/**
 * File access shared by every format, on top of io/atomic.ts (docs/CONVENTIONS.md: temp file in the
 * same directory, then rename): byte writers go through `AtomicFileStream`; h5wasm, which must create
 * its file itself, gets a temp path beside the target and we rename afterwards. Read errors become
 * `SnnError`s via `fsError`.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SnnError } from '../../engine/errors.js';
import { AtomicFileStream, fsError } from '../atomic.js';

let tempCounter = 0;

/** A temp path beside `path`: same directory, hence same file system, so `rename` is atomic. */
export function tempPathFor(path: string): string {
  tempCounter++;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter}.tmp`);
}

/** Runs `produce(tmp)` to create the file at a temp path, then renames it over `path`. */
export async function writeViaTemp(path: string, produce: (tmp: string) => Promise<void> | void): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await fs.access(dirname(path));
    await produce(tmp);
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    if (err instanceof SnnError) throw err;
    if ((err as NodeJS.ErrnoException | undefined)?.code) fsError(err, path, 'write');
    throw new SnnError('io.missing', `cannot write ${path}: ${(err as Error)?.message ?? String(err)}`, 'check that the directory exists and is writable');
  }
}

/** Writes all `chunks` (in order) to `path` atomically. */
export async function writeFileAtomic(path: string, chunks: Uint8Array | Uint8Array[]): Promise<void> {
  const stream = AtomicFileStream.open(path);
  try {
    stream.writev(Array.isArray(chunks) ? chunks : [chunks]);
    stream.commit();
  } catch (err) {
    stream.abort();
    throw err;
  }
}

/** Reads a whole file; a missing file or a directory is the user's mistake, not ours. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    const buf = await fs.readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    fsError(err, path, 'read');
  }
}

/** Reads at most `n` bytes from the start of a file, for format detection. */
export async function readFirstBytes(path: string, n: number): Promise<Uint8Array> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(path, 'r');
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    return fsError(err, path, 'read');
  } finally {
    await fh?.close();
  }
}
