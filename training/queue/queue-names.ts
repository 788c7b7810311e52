/**
 * Names shared by submitters and workers: the BullMQ queue of a sweep, and the Redis key where a
 * submitter records its snn version so that a worker of another version refuses to start.
 */
import { SnnError } from '../../engine/errors.js';

/** Default queue: workers started without --name serve sweeps submitted without a `name` … of their own. */
export const DEFAULT_QUEUE = 'snn';

export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) throw new SnnError('usage', `bad queue name '${name}'`, 'use letters, digits, . _ - (at most 100)');
  return name;
}

export const versionKey = (queueName: string) => `snn:queue:${queueName}:version`;

/** Retries of a job that failed on a worker (a crash, not bad input): exponential back-off from 2 s. */
export const JOB_ATTEMPTS = 4;
export const BACKOFF_MS = 2000;
