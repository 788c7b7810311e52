/**
 * Runs a job into its final run directory atomically: the run is written to a private temporary
 * directory beside it and renamed into place when it has finished. A run killed half-way (a dead
 * worker) leaves only a temporary directory, never a half run under the job's name, and two workers
 * that both ran a job (a falsely stalled one) cannot interleave their files.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { threadId } from 'node:worker_threads';
import { SnnError } from '../../engine/errors.js';
import type { JobResult, JobSpec } from '../jobs/job.js';
import { jobId } from '../jobs/job.js';
import { runJob } from '../jobs/run-job.js';

let attempt = 0;

/** `root/<id>`, refusing anything that would resolve outside `root`. */
export function runDirOf(root: string, id: string): string {
  const base = resolve(root);
  const dir = resolve(base, id);
  if (!/^[0-9a-f]{16}$/.test(id) || dirname(dir) !== base || !dir.startsWith(base + sep)) {
    throw new SnnError('usage', `job id '${id}' does not name a directory inside ${base}`, 'job ids are 16 hex digits');
  }
  return dir;
}

export async function runJobInto(spec: JobSpec, root: string, onProgress?: (samples: number) => void): Promise<JobResult> {
  const final = runDirOf(root, jobId(spec));
  mkdirSync(dirname(final), { recursive: true });
  attempt += 1;
  const temp = join(dirname(final), `.${jobId(spec)}.tmp-${process.pid}-${threadId}-${attempt}`);
  rmSync(temp, { recursive: true, force: true });
  try {
    const result = await runJob(spec, { runDir: temp, onProgress });
    if (existsSync(final)) rmSync(temp, { recursive: true, force: true });
    else renameSync(temp, final);
    return result;
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}
