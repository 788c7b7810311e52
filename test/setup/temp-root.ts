/**
 * vitest globalSetup: every temporary file of a run lives under one fresh directory (TMPDIR, which
 * os.tmpdir() reads, and which test/helpers/test-env.ts's childEnv() passes to child processes),
 * removed when the run ends — so a test that forgets its cleanup, or is killed mid-way, leaves nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'snn-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
