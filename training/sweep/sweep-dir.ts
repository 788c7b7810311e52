/**
 * A sweep's output directory:
 *
 *   sweep-plan.json   the sweep's name, job ids in grid order, and the queue it was sent to (no password)
 *   jobs/<id>.json    one JobResult per finished job (written once: a job is never computed twice)
 *   runs/<id>/        run directories of jobs run locally
 *   sweep.json/.md/.csv  the table, in grid order
 *   cancel            present after `snn sweep cancel`: a running sweep stops
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { JobResult } from '../jobs/job.js';

export interface SweepPlan {
  name: string;
  snnVersion: string;
  ids: string[];
  /** Redis URL without its password, or null for a local run. */
  queue: string | null;
  queueName: string | null;
}

export const planPath = (dir: string) => join(dir, 'sweep-plan.json');
export const resultPath = (dir: string, id: string) => join(dir, 'jobs', `${id}.json`);
export const cancelPath = (dir: string) => join(dir, 'cancel');

export function writePlan(dir: string, plan: SweepPlan): void {
  mkdirSync(join(dir, 'jobs'), { recursive: true });
  writeFileAtomic(planPath(dir), `${JSON.stringify(plan, null, 2)}\n`);
}

export function readPlan(dir: string): SweepPlan {
  try {
    return JSON.parse(readFileSync(planPath(dir), 'utf8')) as SweepPlan;
  } catch {
    throw new SnnError('io.missing', `${dir} holds no sweep (no sweep-plan.json)`, 'give the --out directory of snn sweep');
  }
}

/** Ids of the jobs whose results are in `dir/jobs`. */
export function finishedIds(dir: string): Set<string> {
  const jobs = join(dir, 'jobs');
  if (!existsSync(jobs)) return new Set();
  return new Set(readdirSync(jobs).filter((f) => /^[0-9a-f]{16}\.json$/.test(f)).map((f) => f.slice(0, 16)));
}

/** Keeps a result unless one is there already (the first one wins: both are the same but for timings). */
export function saveResult(dir: string, result: JobResult): void {
  const path = resultPath(dir, result.id);
  if (existsSync(path)) return;
  writeFileAtomic(path, `${JSON.stringify(result, null, 2)}\n`);
}

export function readResult(dir: string, id: string): JobResult {
  return JSON.parse(readFileSync(resultPath(dir, id), 'utf8')) as JobResult;
}

export function requestCancel(dir: string): void {
  readPlan(dir);
  writeFileSync(cancelPath(dir), `${new Date().toISOString()}\n`);
}

export function clearCancel(dir: string): void {
  rmSync(cancelPath(dir), { force: true });
}

export const cancelRequested = (dir: string) => existsSync(cancelPath(dir));
