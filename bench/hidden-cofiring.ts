/**
 * How many hidden neurons learn from one training sample: restores a training run's checkpoint
 * (read only; nothing in the run directory changes), shows it K more training samples with
 * plasticity on, and counts per sample the distinct hidden neurons that fired and the largest
 * number that fired in one time step.
 *
 * Why: lateral inhibition reaches the hidden layer a couple of steps after its first spike, so a
 * cohort of neurons with near-identical weights crosses threshold together and all of them learn
 * the same sample — which keeps them identical (bench/RESULTS.md, "where the accuracy is lost").
 *
 *   npx tsx bench/hidden-cofiring.ts RUN_DIR [--samples K] [--json]
 */
import { parseArgs } from 'node:util';
import { imageOf, loadDataset, shuffledIndices } from '../datasets/dataset.js';
import { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import { buildSystem, readRunConfig } from '../training/run-training.js';
import { Trainer } from '../training/trainer.js';

export interface CofiringSample {
  index: number;
  label: number;
  /** Distinct hidden neurons that fired during the accepted presentation. */
  distinct: number;
  /** Most hidden neurons that fired in one time step. */
  largestStep: number;
  spikes: number;
}

export function measureCofiring(runDir: string, samples: number): { trained: number; neurons: number; samples: CofiringSample[] } {
  const cfg = readRunConfig(runDir);
  const data = { dataDir: cfg.dataDir ?? undefined, rescaleMeanTo: cfg.modelConfig.rescaleMeanTo ?? undefined };
  const train = loadDataset(cfg.dataset, 'train', data);
  const system = buildSystem(cfg);
  const trainer = new Trainer(system, train, train, { epochs: cfg.epochs, seed: cfg.seed, evalEvery: Number.MAX_SAFE_INTEGER, checkpointEvery: Number.MAX_SAFE_INTEGER, runDir, modelInfo: {}, evalWorkers: 1 });
  if (!trainer.restore()) throw new SnnError('io.missing', `${runDir} has no checkpoint.snnckpt`, 'give a run directory written by snn train');
  const net = system.net;
  const hidden = net.populations.indexOf(system.hidden);
  const fired = new Uint8Array(system.hidden.size);
  // Counts of the presentation in progress; a re-presentation starts them afresh, so what is left
  // at the end of a sample is its accepted presentation's.
  let presenting = false;
  let distinct = 0;
  let largestStep = 0;
  net.addHooks({
    onPresentationStart() {
      presenting = true;
      fired.fill(0);
      distinct = 0;
      largestStep = 0;
    },
    onPresentationEnd() {
      presenting = false;
    },
    onSpike(k, ids, count) {
      if (k !== hidden || !presenting) return;
      if (count > largestStep) largestStep = count;
      for (let c = 0; c < count; c++) {
        if (fired[ids[c]!] === 0) distinct++;
        fired[ids[c]!] = 1;
      }
    },
  });
  const stage = system.stages[0]!;
  system.setMode(stage);
  const order = shuffledIndices(train.count, RngStream.derive(cfg.seed, 'bench/cofiring'));
  const out: CofiringSample[] = [];
  for (let k = 0; k < samples; k++) {
    const i = order[k]!;
    const label = train.labels[i]!;
    const r = trainer.presenter.present(imageOf(train, i), label, i, stage, 'bench/cofiring');
    let spikes = 0;
    for (const c of r.hiddenCounts) spikes += c;
    out.push({ index: i, label, distinct, largestStep, spikes });
  }
  return { trained: trainer.trained, neurons: system.hidden.size, samples: out };
}

function quantiles(xs: number[]): number[] {
  const s = [...xs].sort((a, b) => a - b);
  return [0, 0.25, 0.5, 0.75, 1].map((q) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''));
if (isMain) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { samples: { type: 'string', default: '200' }, json: { type: 'boolean', default: false } } });
  const runDir = positionals[0];
  if (!runDir) {
    process.stderr.write('usage: npx tsx bench/hidden-cofiring.ts RUN_DIR [--samples K] [--json]\n');
    process.exit(2);
  }
  const r = measureCofiring(runDir, Number(values.samples));
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    const d = r.samples.map((s) => s.distinct);
    const big = r.samples.filter((s) => s.largestStep > 60).sort((a, b) => b.largestStep - a.largestStep);
    process.stdout.write(
      [
        `${runDir}: N = ${r.neurons}, checkpoint at ${r.trained} samples, ${r.samples.length} more training samples`,
        `distinct hidden neurons per sample (min / quartile / median / quartile / max): ${quantiles(d).join(' / ')}`,
        `largest number firing in one step (same quantiles): ${quantiles(r.samples.map((s) => s.largestStep)).join(' / ')}`,
        `samples with more than 60 in one step: ${big.length} (labels ${big.map((s) => `${s.label}:${s.largestStep}`).join(' ')})`,
      ].join('\n') + '\n',
    );
  }
}
