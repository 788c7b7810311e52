/**
 * Atomic file writes: a reader (or a crash) never sees a half-written file under the final name.
 *
 * Data goes to a temporary file in the SAME directory (rename is only atomic within one file
 * system), is fsync'ed so the bytes reach the disk before the name does, and is then renamed over
 * the target. The directory is fsync'ed afterwards so the rename itself survives a power loss
 * (best effort: some platforms cannot open a directory for fsync).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SnnError } from '../engine/errors.js';

let counter = 0;

/** A temp name next to `target`, unique per process and call. */
function tempName(target: string): string {
  counter += 1;
  return `${target}.tmp-${process.pid}-${counter}`;
}

/** Turns a Node fs error into the SnnError a user can act on; anything else is rethrown. */
export function fsError(err: unknown, file: string, action: 'read' | 'write'): never {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      throw new SnnError(
        'io.missing',
        action === 'read' ? `no such file: ${file}` : `cannot write ${file}: its directory does not exist`,
        action === 'read' ? 'check the path' : `create ${path.dirname(file)} first or choose another path`,
      );
    case 'EISDIR':
      throw new SnnError('io.missing', `${file} is a directory, not a file`, 'give the path of a file');
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      throw new SnnError('io.missing', `cannot ${action} ${file}: permission denied`, 'check the file permissions or choose another path');
    case 'ENOSPC':
      throw new SnnError('io.missing', `cannot write ${file}: no space left on the device`, 'free disk space or write elsewhere');
    default:
      throw err;
  }
}

/** fsync a directory so a rename inside it is durable; ignored where unsupported (e.g. Windows). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `data` to `file` atomically (temp + fsync + rename). Synchronous on purpose: callers are CLI steps. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const stream = AtomicFileStream.open(file);
  try {
    stream.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    stream.commit();
  } catch (err) {
    stream.abort();
    throw err;
  }
}

export interface AtomicFileStreamOptions {
  /**
   * Where bytes go until `commit()`. Default `<path>.tmp-<pid>-<n>`. The trace writer passes
   * `<path>.partial` so a killed run leaves a file a user can find and read.
   */
  tempPath?: string;
}

/**
 * A file written incrementally, appearing under its final name only at `commit()`.
 * Writes are synchronous and unbuffered (each `write` is one syscall), so whatever was written
 * before a crash is in the page cache of the temp file and survives the death of the process.
 */
export class AtomicFileStream {
  readonly path: string;
  readonly tempPath: string;
  private fd: number | undefined;
  private written = 0;

  private constructor(target: string, tempPath: string, fd: number) {
    this.path = target;
    this.tempPath = tempPath;
    this.fd = fd;
  }

  static open(target: string, options: AtomicFileStreamOptions = {}): AtomicFileStream {
    const tempPath = options.tempPath ?? tempName(target);
    if (path.dirname(path.resolve(tempPath)) !== path.dirname(path.resolve(target))) {
      throw new SnnError('internal', `temp file ${tempPath} must be in the directory of ${target}`, 'rename is atomic only within one directory');
    }
    let fd: number;
    try {
      fd = fs.openSync(tempPath, 'w');
    } catch (err) {
      fsError(err, target, 'write');
    }
    return new AtomicFileStream(target, tempPath, fd);
  }

  /** Bytes written so far (= the temp file's size). */
  get bytesWritten(): number {
    return this.written;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  private handle(): number {
    if (this.fd === undefined) throw new SnnError('internal', `${this.path} is already committed or aborted`, 'do not write after commit()/abort()');
    return this.fd;
  }

  /** Appends `data`; loops on short writes. */
  write(data: Uint8Array): void {
    this.writev([data]);
  }

  /** Appends several buffers with as few syscalls as possible (one `writev` when nothing is short). */
  writev(parts: readonly Uint8Array[]): void {
    const fd = this.handle();
    let total = 0;
    for (const p of parts) total += p.byteLength;
    try {
      let done = fs.writevSync(fd, parts as Uint8Array[], this.written);
      if (done < total) {
        // Short write (rare: full disk, signals): finish part by part.
        let skip = done;
        for (const p of parts) {
          if (skip >= p.byteLength) {
            skip -= p.byteLength;
            continue;
          }
          let off = skip;
          skip = 0;
          while (off < p.byteLength) {
            const n = fs.writeSync(fd, p, off, p.byteLength - off, this.written + done);
            off += n;
            done += n;
          }
        }
      }
    } catch (err) {
      fsError(err, this.path, 'write');
    }
    this.written += total;
  }

  /** fsync the temp file now (e.g. at a checkpoint) without committing. */
  sync(): void {
    fs.fsyncSync(this.handle());
  }

  /** Makes the file durable and atomically visible under its final name. */
  commit(): void {
    const fd = this.handle();
    try {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      this.fd = undefined;
      fs.renameSync(this.tempPath, this.path);
    } catch (err) {
      fsError(err, this.path, 'write');
    }
    syncDir(path.dirname(path.resolve(this.path)));
  }

  /** Closes without committing; removes the temp file unless `keepTemp`. Safe to call twice. */
  abort(keepTemp = false): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already unusable */
      }
      this.fd = undefined;
    }
    if (!keepTemp) fs.rmSync(this.tempPath, { force: true });
  }
}
