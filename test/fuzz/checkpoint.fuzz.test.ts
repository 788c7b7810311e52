/**
 * Checkpoint and model files (io/checkpoint.ts, Trainer.restore, evaluateRun): random bytes,
 * damaged files, and — the case a checksum cannot catch — well-framed files whose content does
 * not fit the model (another version or configuration). Each is loaded or refused with an
 * SnnError, never a TypeError halfway through the restore.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTrainingSystem } from '../../training/recipe-system.js';
import { evaluateRun, train } from '../../training/run-training.js';
import { Trainer } from '../../training/trainer.js';
import { loadDataset, subset, type Dataset } from '../../datasets/dataset.js';
import { CHECKPOINT_MAGIC, encodeFramed, MODEL_MAGIC, readFramed } from '../../io/checkpoint.js';
import { hao2020Config } from '../../models/zoo/hao2020.js';
import { byteMutation, fuzzParams, mutateBytes, survives, survivesAsync } from './fuzz-helpers.js';

let dir: string;
let ckptBytes: Buffer;
let modelBytes: Buffer;
let ck: Record<string, unknown>;
let model: Record<string, unknown>;
const cfg = hao2020Config('mnist', 10, { rest: 'reset' });
let trainSet: Dataset;
let testSet: Dataset;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snn-ckpt-fuzz-'));
  const run = join(dir, 'run');
  train({ model: 'hao2020', dataset: 'mnist', neurons: 10, trainSamples: 6, testSamples: 2, evalEvery: 6, checkpointEvery: 3, seed: 5, rest: 'reset', out: run });
  ckptBytes = readFileSync(join(run, 'checkpoint.snnckpt'));
  modelBytes = readFileSync(join(run, 'model.snnmodel'));
  ck = readFramed(join(run, 'checkpoint.snnckpt'), CHECKPOINT_MAGIC, 'checkpoint');
  model = readFramed(join(run, 'model.snnmodel'), MODEL_MAGIC, 'model');
  const rescale = { rescaleMeanTo: cfg.rescaleMeanTo ?? undefined };
  trainSet = subset(loadDataset('mnist', 'train', rescale), 6);
  testSet = subset(loadDataset('mnist', 'test', rescale), 2);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isLeaf = (v: unknown) => v === null || typeof v !== 'object' || ArrayBuffer.isView(v);

/** Paths to every value, typed arrays as leaves. */
function paths(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  out.push(prefix);
  if (!isLeaf(v)) for (const [k, x] of Object.entries(v as object)) paths(x, [...prefix, k], out);
  return out;
}

const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(undefined, null, 'x', -1, 1e9, NaN, [], {}, new Float64Array(3), new Float32Array(0), new Int32Array(5), new Int8Array(2), new Uint8Array(7), true),
);
const edits = fc.array(fc.record({ at: fc.nat(), value: replacement, drop: fc.boolean() }), { minLength: 1, maxLength: 3 });

/** `keepNumbers`: paths under which a number may only be replaced by a non-number (absurd but well-typed settings are valid, just slow). */
function edit(base: Record<string, unknown>, es: { at: number; value: unknown; drop: boolean }[], keepNumbers?: string): unknown {
  const o = structuredClone(base);
  for (const e of es) {
    const all = paths(o).filter((p) => p.length > 0);
    const p = all[e.at % all.length]!;
    if (p[0] === keepNumbers && typeof e.value === 'number' && !e.drop) continue;
    let parent = o as Record<string, unknown>;
    for (const k of p.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
    if (e.drop) delete parent[p.at(-1)!];
    else parent[p.at(-1)!] = e.value;
  }
  return o;
}

function restoreFrom(bytes: Uint8Array): boolean {
  const runDir = join(dir, 'restore');
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'checkpoint.snnckpt'), bytes);
  const trainer = new Trainer(buildTrainingSystem('hao2020', cfg, 5), trainSet, testSet, { epochs: 1, seed: 5, evalEvery: 6, checkpointEvery: 3, runDir, modelInfo: {}, evalWorkers: 1 });
  return trainer.restore();
}

describe('checkpoint reader fuzz', () => {
  it('the intact checkpoint restores', () => expect(survives(() => restoreFrom(ckptBytes))).toBe('ok'));

  it('a checkpoint re-framed unchanged restores (the shape check accepts what the trainer writes)', () => {
    expect(survives(() => restoreFrom(encodeFramed(CHECKPOINT_MAGIC, ck)))).toBe('ok');
  });

  it('random bytes, with and without the magic → SnnError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (b, magic) => {
        const bytes = magic ? Buffer.concat([Buffer.from(CHECKPOINT_MAGIC), b]) : b;
        expect(survives(() => restoreFrom(bytes))).toBe('error');
      }),
      fuzzParams(301, 200),
    );
  });

  it('damaged checkpoint files → SnnError (the checksum catches every change)', () => {
    fc.assert(
      fc.property(byteMutation(ckptBytes.length), (m) => {
        const bytes = mutateBytes(ckptBytes, m);
        const r = survives(() => restoreFrom(bytes));
        if (!Buffer.from(bytes).equals(ckptBytes)) expect(r).toBe('error');
      }),
      fuzzParams(302, 150),
    );
  });

  it('well-framed checkpoints with content that does not fit → SnnError or a restore', () => {
    fc.assert(fc.property(edits, (es) => void survives(() => restoreFrom(encodeFramed(CHECKPOINT_MAGIC, edit(ck, es))))), fuzzParams(303, 300));
  });

  it('well-framed model files with content that does not fit → SnnError or an evaluation', async () => {
    // Control: the intact model evaluates (a check that refuses everything would pass the rest).
    writeFileSync(join(dir, 'intact.snnmodel'), modelBytes);
    expect(await survivesAsync(async () => evaluateRun(join(dir, 'intact.snnmodel'), { testSamples: 2, evalWorkers: 1 }))).toBe('ok');
    let evaluated = 0;
    await fc.assert(
      fc.asyncProperty(edits, async (es) => {
        const p = join(dir, 'm.snnmodel');
        writeFileSync(p, encodeFramed(MODEL_MAGIC, edit(model, es, 'config')));
        if ((await survivesAsync(async () => evaluateRun(p, { testSamples: 2, evalWorkers: 1 }), undefined, 10_000)) === 'ok') evaluated++;
      }),
      fuzzParams(304, 60),
    );
    expect(evaluated).toBeGreaterThan(0); // edits of fields eval does not need leave the model usable
    // A damaged model file is refused by its checksum.
    const p = join(dir, 'd.snnmodel');
    const bad = Buffer.from(modelBytes);
    bad[bad.length - 3] ^= 0x40;
    writeFileSync(p, bad);
    expect(await survivesAsync(async () => evaluateRun(p, { testSamples: 2 }))).toBe('error');
  }, 120_000);
});
