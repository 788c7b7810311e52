/**
 * The compiled CLI entry for tests that run `snn` as a real child process.
 *
 * `dist/cli/main.js` is used when it is newer than every source file; otherwise the sources are
 * compiled once into `.test-dist/` (same depth as dist/, so package.json and node_modules resolve)
 * under a lock directory, so parallel test files do not build twice. Never a stale build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_DIRS = ['engine', 'models', 'learning', 'datasets', 'io', 'training', 'bench', 'cli'];

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
  return newest;
}

const fresh = (entry: string, newest: number): boolean => existsSync(entry) && statSync(entry).mtimeMs >= newest;

/** Absolute path of an up-to-date compiled `cli/main.js`. */
export function cliEntry(): string {
  const newest = newestSource();
  const dist = join(ROOT, 'dist', 'cli', 'main.js');
  if (fresh(dist, newest)) return dist;
  const outDir = join(ROOT, '.test-dist');
  const entry = join(outDir, 'cli', 'main.js');
  const lock = join(ROOT, '.test-dist.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (fresh(entry, newest)) return entry;
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error('timed out waiting for another test to compile .test-dist');
      execFileSync('sleep', ['0.2']);
      continue;
    }
    try {
      if (!fresh(entry, newest)) {
        rmSync(outDir, { recursive: true, force: true });
        try {
          execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'pipe' });
        } catch (err) {
          // tsc still emits JavaScript when some file has type errors (another engineer's work in
          // progress, say): that is enough to run the CLI. Fail only when nothing was emitted.
          if (!existsSync(entry)) throw new Error(`cannot compile the CLI for child-process tests:\n${String((err as { stdout?: Buffer }).stdout ?? err)}`);
        }
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return entry;
  }
}
