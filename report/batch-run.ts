/**
 * The report of a run trained by a batch rule (`snn train --model lif-mlp`): its learning curve
 * (test accuracy of the readout and running training accuracy at every evaluation, with the
 * prediction of the final accuracy), the distributions of its weight arrays, and its metrics as
 * facts; with evaluation, the model scored again on the test images (overall and per class).
 * Hidden-layer figures of the local-rule models (receptive fields, θ, assignment votes, t-SNE of
 * spike counts) have no counterpart here.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_MAGIC, readFramed } from '../io/checkpoint.js';
import { evaluateBatchRun, readBatchRunConfig, type BatchMetricsLine } from '../training/batch-trainer.js';
import { isBatchModel } from '../training/models.js';
import type { Figure } from './figure.js';
import { learningCurveFigure } from './learning-curve.js';
import { weightsFigure } from './model-figures.js';
import { readMetrics } from './run-data.js';

interface BatchModel {
  model: string;
  dataset: string;
  seed: number;
  testSamples: number;
  config: { neurons: number } & Record<string, unknown>;
  rule: { name: string; options: Record<string, unknown> };
  arrays: Record<string, Float32Array>;
}

const modelPath = (source: string): string => (statSync(source).isDirectory() ? join(source, 'model.snnmodel') : source);

/** A run directory (or model file) of a batch-rule model. */
export function isBatchRun(source: string): boolean {
  if (statSync(source).isDirectory()) {
    const cfg = join(source, 'config.json');
    if (existsSync(cfg)) {
      try {
        return isBatchModel(String((JSON.parse(readFileSync(cfg, 'utf8')) as { model?: unknown }).model));
      } catch {
        return false;
      }
    }
  }
  const path = modelPath(source);
  return existsSync(path) && isBatchModel(String(readFramed<{ model?: unknown }>(path, MODEL_MAGIC, 'model')?.model));
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)} %`);
const plugin = (p: { name: string; options: Record<string, unknown> }): string => {
  const kv = Object.entries(p.options).map(([k, v]) => `${k}=${String(v)}`);
  return kv.length ? `${p.name} (${kv.join(', ')})` : p.name;
};

export async function batchRunFigures(source: string, opts: { testSamples?: number; dataDir?: string; noEvaluation?: boolean; onProgress?: (m: string) => void }): Promise<{ figures: Figure[]; facts: [string, string][] }> {
  const dir = statSync(source).isDirectory();
  const m = readFramed<BatchModel>(modelPath(source), MODEL_MAGIC, 'model');
  const metrics = dir ? (readMetrics(join(source, 'metrics.jsonl')) as unknown as BatchMetricsLine[]) : [];
  const figures: Figure[] = [];
  if (metrics.length) figures.push(learningCurveFigure(metrics));
  figures.push(weightsFigure(m));
  const facts: [string, string][] = [['model', `${m.model} on ${m.dataset}, ${m.config.neurons} hidden neurons, seed ${m.seed}`], ['rule', plugin(m.rule)]];
  if (dir && existsSync(join(source, 'config.json'))) {
    const cfg = readBatchRunConfig(source);
    facts.push(['update transforms', cfg.transforms.map(plugin).join(' → ') || 'none'], ['batch policies', cfg.policies.map(plugin).join(', ') || 'none']);
  }
  const last = metrics.at(-1);
  if (last) {
    facts.push(
      ['trained samples', `${last.trained} (${last.updates} updates, epoch ${last.epoch})`],
      ['last evaluation', `${last.testSamples} test images: accuracy ${pct(last.accuracy)}, loss ${last.testLoss.toFixed(4)}; running training accuracy ${pct(last.trainRunningAccuracy)}`],
      ['batch size, learning rate', `${last.batchSize}, ${last.learningRate}`],
    );
  }
  if (!opts.noEvaluation) {
    const testSamples = opts.testSamples ?? Math.min(2000, m.testSamples);
    opts.onProgress?.(`evaluating the model on ${testSamples} test images`);
    const ev = await evaluateBatchRun(source, { testSamples, ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}) });
    facts.push(['test accuracy', `${ev.testSamples} test images: ${pct(ev.accuracy)} (loss ${ev.loss.toFixed(4)}); backend ${ev.backend}`], ['per class', ev.perClass.map((a, c) => `${c}: ${pct(a)}`).join(', ')]);
  }
  return { figures, facts };
}
