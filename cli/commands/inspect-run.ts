/**
 * `snn inspect RUN_DIR`: a training run at a glance — its configuration, the learning curve from
 * metrics.jsonl, and the trained model's arrays with their weight and θ distributions.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../../engine/errors.js';
import { summarizeSnnFile } from '../../io/formats/file-summary.js';
import type { InspectResult } from './inspect.js';
import { snnText } from './inspect-formats.js';

export function isRunDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'config.json'));
}

interface Evaluation {
  trained: number;
  epoch?: number;
  slAccuracy?: number | null;
  uslAccuracy?: number | null;
  accuracy?: number | null;
}

const pct = (x: number | null | undefined) => (typeof x === 'number' ? `${(100 * x).toFixed(2)} %` : '–');

export function inspectRun(dir: string): InspectResult {
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    throw new SnnError('io.corrupt', `${join(dir, 'config.json')} is not valid JSON`, 'the run directory is damaged; start a new run');
  }
  const evaluations: Evaluation[] = [];
  const metrics = join(dir, 'metrics.jsonl');
  if (existsSync(metrics)) {
    for (const line of readFileSync(metrics, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const m = JSON.parse(line) as Evaluation;
        if (typeof m.trained === 'number' && ('slAccuracy' in m || 'uslAccuracy' in m || 'accuracy' in m)) evaluations.push(m);
      } catch {
        // A line cut by a kill is skipped: the checkpoint, not metrics.jsonl, is the run's state.
      }
    }
  }
  const modelPath = join(dir, 'model.snnmodel');
  const ckptPath = join(dir, 'checkpoint.snnckpt');
  const model = existsSync(modelPath) ? summarizeSnnFile(modelPath, 'snn-model') : existsSync(ckptPath) ? summarizeSnnFile(ckptPath, 'snn-checkpoint') : null;
  const keys = ['model', 'dataset', 'neurons', 'epochs', 'trainSamples', 'testSamples', 'evalEvery', 'sampler', 'seed'];
  const lines = [`${dir}: snn training run`];
  for (const k of keys) if (config[k] !== undefined && config[k] !== null) lines.push(`  ${k.padEnd(14)} ${JSON.stringify(config[k])}`);
  if (evaluations.length) {
    lines.push('', '  learning curve (test accuracy)', '  samples      SL         USL');
    for (const e of evaluations) lines.push(`  ${String(e.trained).padStart(7)}  ${pct(e.slAccuracy ?? e.accuracy).padStart(9)}  ${pct(e.uslAccuracy).padStart(9)}`);
  } else lines.push('', '  no evaluation yet (metrics.jsonl has none)');
  if (model) lines.push('', snnText(model.format === 'snn-model' ? modelPath : ckptPath, model));
  else lines.push('', '  no model or checkpoint yet');
  return { format: 'snn-run', json: { format: 'snn-run', config, evaluations, model }, text: lines.join('\n') };
}
