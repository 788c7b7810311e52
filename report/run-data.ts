/**
 * What the run figures read from a run directory written by `snn train` (config.json,
 * metrics.jsonl, model.snnmodel) or from a bare .snnmodel file.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../engine/errors.js';
import { MODEL_MAGIC, readFramed } from '../io/checkpoint.js';
import type { MetricsLine } from '../training/trainer.js';

export interface TrainedModel {
  model: string;
  dataset: string;
  seed: number;
  config: { neurons: number; wMaxInput?: number; wMaxOutput?: number } & Record<string, unknown>;
  trained?: number;
  arrays: Record<string, Float32Array | Float64Array>;
  assignments: Int8Array;
}

export interface RunData {
  /** The run directory, or null for a bare model file. */
  runDir: string | null;
  modelPath: string;
  model: TrainedModel;
  /** The learning curve (empty without metrics.jsonl). */
  metrics: MetricsLine[];
}

export function isRunDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && (existsSync(join(path, 'model.snnmodel')) || existsSync(join(path, 'metrics.jsonl')));
}

export function loadRun(path: string): RunData {
  const dir = existsSync(path) && statSync(path).isDirectory();
  const modelPath = dir ? join(path, 'model.snnmodel') : path;
  if (dir && !existsSync(modelPath)) throw new SnnError('io.missing', `${path} has no model.snnmodel`, 'the run has not finished; finish it with snn train --resume DIR');
  const model = readFramed<TrainedModel>(modelPath, MODEL_MAGIC, 'model');
  if (!model || typeof model !== 'object' || !model.arrays || !(model.assignments instanceof Int8Array)) {
    throw new SnnError('io.corrupt', `${modelPath} holds no trained model`, 'give a run directory written by snn train or its model.snnmodel');
  }
  return { runDir: dir ? path : null, modelPath, model, metrics: dir ? readMetrics(join(path, 'metrics.jsonl')) : [] };
}

export function readMetrics(file: string): MetricsLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, k) => {
      try {
        return JSON.parse(l) as MetricsLine;
      } catch {
        throw new SnnError('io.corrupt', `${file}: line ${k + 1} is not JSON`, 'restore the metrics.jsonl snn train wrote');
      }
    });
}

/** The model's input → hidden weights (784 × hidden, row-major by input pixel). */
export function inputWeights(model: TrainedModel): Float32Array | Float64Array {
  const w = model.arrays['input->exc'];
  if (!w) throw new SnnError('io.corrupt', `the model has no 'input->exc' weights (it has: ${Object.keys(model.arrays).join(', ')})`, 'give a model trained by snn train');
  return w;
}
