/**
 * Runs `train()` for the CLI: in a worker thread when the compiled worker script is there (the
 * installed CLI), so that Ctrl-C is seen while the synchronous loop runs; in-process otherwise
 * (from TypeScript sources, where the command cannot be interrupted cleanly). Same results either way.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SnnError, type SnnErrorCode } from '../engine/errors.js';
import { train, type TrainControl, type TrainRequest, type TrainSummary } from '../training/run-training.js';
import type { TrainProgress } from '../training/trainer.js';

export type TrainerRequest = TrainRequest | { resume: string; evalWorkers?: number; epochs?: number };

export interface TrainerWorkerData {
  request: TrainerRequest;
  /** Int32 stop flag (cli/signals.ts). */
  flag: SharedArrayBuffer;
}

type SerializedError = { snn: true; code: SnnErrorCode; message: string; hint?: string; exitCode: number; stack?: string } | { snn: false; message: string; stack?: string; name?: string };

export type TrainerMessage =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'evaluation'; line: Parameters<NonNullable<TrainControl['onEvaluation']>>[0] }
  | { type: 'start'; start: Parameters<NonNullable<TrainControl['onStart']>>[0] }
  | { type: 'done'; summary: TrainSummary }
  | { type: 'error'; error: SerializedError };

export interface TrainerHooks {
  onProgress: (p: TrainProgress) => void;
  onEvaluation: NonNullable<TrainControl['onEvaluation']>;
  onStart: NonNullable<TrainControl['onStart']>;
}

function workerScript(): string | null {
  const path = fileURLToPath(new URL('./train-worker.js', import.meta.url));
  return existsSync(path) ? path : null;
}

/** Whether a run started now can be interrupted cleanly (it runs in a worker thread). */
export function canInterrupt(): boolean {
  return workerScript() !== null;
}

export function runTrainer(request: TrainerRequest, hooks: TrainerHooks, stopFlag: Int32Array): Promise<TrainSummary> {
  const script = workerScript();
  if (script === null) {
    return Promise.resolve(train(request, hooks.onProgress, undefined, { ...hooks, shouldStop: () => Atomics.load(stopFlag, 0) !== 0 }));
  }
  return new Promise((resolve, reject) => {
    const data: TrainerWorkerData = { request, flag: stopFlag.buffer as SharedArrayBuffer };
    const worker = new Worker(script, { workerData: data });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    worker.on('message', (m: TrainerMessage) => {
      if (m.type === 'progress') hooks.onProgress(m.progress);
      else if (m.type === 'evaluation') hooks.onEvaluation(m.line);
      else if (m.type === 'start') hooks.onStart(m.start);
      else if (m.type === 'done') settle(() => resolve(m.summary));
      else settle(() => reject(revive(m.error)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the training thread ended unexpectedly (exit code ${code})`))));
  });
}

function revive(e: SerializedError): Error {
  const err = e.snn ? new SnnError(e.code, e.message, e.hint, e.exitCode) : Object.assign(new Error(e.message), { name: e.name ?? 'Error' });
  if (e.stack) err.stack = e.stack;
  return err;
}
