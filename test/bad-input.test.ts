/**
 * The error contract, case by case: every bad input a user can give any command ends with exit
 * code 2 and exactly ONE line on stderr that names the problem and the fix, with no stack trace
 * (`--debug` adds one). Validation happens before work starts: no output file appears.
 *
 * Most cases run in-process through `main()`; the last block runs the compiled entry in a child
 * process to prove nothing leaks from the real binary either.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { cliEntry } from './helpers/cli-bin.js';
import { childEnv } from './helpers/test-env.js';

const VALID = {
  dt: 0.1,
  duration: 20,
  seed: 1,
  populations: [
    { name: 'in', model: 'poisson', size: 4, rates: 50 },
    { name: 'exc', model: 'lif', size: 3, params: { tauM: 10, vRest: -65, vReset: -65, vThresh: -55, refractory: 2 } },
  ],
  projections: [{ from: 'in', to: 'exc', channel: 'v', connectivity: 'dense', weights: 2 }],
};

type Mutate = (d: typeof VALID & Record<string, unknown>) => void;

let dir: string;
const file = (name: string) => join(dir, name);

/** Writes VALID with `mutate` applied as JSON; returns the path. */
function net(name: string, mutate: Mutate): string {
  const d = structuredClone(VALID) as typeof VALID & Record<string, unknown>;
  mutate(d);
  writeFileSync(file(name), JSON.stringify(d));
  return file(name);
}

function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([head, data]);
}

/** A data directory with a tiny valid MNIST test split and a train split damaged by `images`. */
function dataDir(name: string, images: Buffer): string {
  const d = file(name);
  mkdirSync(d);
  const n = 5;
  writeFileSync(join(d, 'train-images-idx3-ubyte'), images);
  writeFileSync(join(d, 'train-labels-idx1-ubyte'), idx(0x801, [n], new Uint8Array(n)));
  writeFileSync(join(d, 't10k-images-idx3-ubyte.gz'), gzipSync(idx(0x803, [n, 28, 28], new Uint8Array(n * 784))));
  writeFileSync(join(d, 't10k-labels-idx1-ubyte'), idx(0x801, [n], new Uint8Array(n)));
  return d;
}

const TRAIN = ['train', '--neurons', '10', '--train-samples', '5', '--test-samples', '5', '--seed', '1', '--no-progress'];

interface Case {
  name: string;
  argv: () => string[];
  /** Must match the single line (problem and fix). */
  line: RegExp;
  /** Files that must not exist afterwards (validation before work). */
  noOutput?: () => string;
}

const cases: Case[] = [
  // --- the network description (snn simulate) ---
  {
    name: 'malformed JSON names line and column',
    argv: () => (writeFileSync(file('m.json'), '{\n  "dt": 0.1,\n  "populations": [\n    { "name": "a" ,, }\n  ]\n}'), ['simulate', file('m.json')]),
    line: /m\.json is not valid JSON at line 4, column \d+.*\(fix the syntax/,
  },
  {
    name: 'malformed YAML names line and column',
    argv: () => (writeFileSync(file('m.yaml'), 'dt: 0.1\npopulations:\n  - name: a\n   model: lif\n'), ['simulate', file('m.yaml')]),
    line: /m\.yaml is not valid YAML at line \d+, column \d+.*\(fix the syntax\)/,
  },
  {
    name: 'misspelt top-level field gets the near name',
    argv: () => ['simulate', net('f1.json', (d) => ((d.duraton = 5), delete (d as Record<string, unknown>).duration))],
    line: /unknown field 'duraton'.*did you mean 'duration'/,
  },
  {
    name: 'misspelt population field gets the near name',
    argv: () => ['simulate', net('f2.json', (d) => ((d.populations[0] as Record<string, unknown>).szie = 4))],
    line: /unknown field 'szie' in populations\[0\].*did you mean 'size'/,
  },
  {
    name: 'misspelt LIF parameter gets the near name',
    argv: () => ['simulate', net('f3.json', (d) => ((d.populations[1]!.params as Record<string, unknown>).vThres = -50))],
    line: /unknown field 'vThres'.*did you mean 'vThresh'/,
  },
  {
    name: 'unknown neuron model lists the known ones',
    argv: () => ['simulate', net('f4.json', (d) => ((d.populations[1] as Record<string, unknown>).model = 'lifx'))],
    line: /populations\[1\].*unknown model.*'lif', 'poisson'/,
  },
  {
    name: 'zero population size',
    argv: () => ['simulate', net('s0.json', (d) => (d.populations[0]!.size = 0))],
    line: /populations\[0\]\.size must be ≥ 1 \(got 0\).*\(fix that field/,
  },
  {
    name: 'negative population size',
    argv: () => ['simulate', net('s1.json', (d) => (d.populations[1]!.size = -3))],
    line: /populations\[1\]\.size must be ≥ 1 \(got -3\)/,
  },
  {
    name: 'NaN parameter (YAML .nan)',
    argv: () => (writeFileSync(file('nan.yaml'), 'duration: 10\npopulations:\n  - name: a\n    model: lif\n    size: 2\n    params:\n      tauM: .nan\n'), ['simulate', file('nan.yaml')]),
    line: /populations\[0\]\.params\.tauM must be a finite number in ms \(got NaN\) \(fix that field/,
  },
  {
    name: 'infinite parameter (YAML .inf)',
    argv: () => (writeFileSync(file('inf.yaml'), 'duration: 10\npopulations:\n  - name: a\n    model: lif\n    size: 2\n    params:\n      vThresh: .inf\n'), ['simulate', file('inf.yaml')]),
    line: /populations\[0\]\.params\.vThresh must be a finite number in mV \(got Infinity\) \(fix that field/,
  },
  {
    name: 'NaN as a string in JSON',
    argv: () => ['simulate', net('nanstr.json', (d) => ((d.projections[0] as Record<string, unknown>).weights = 'NaN'))],
    line: /projections\[0\]\.weights.*"NaN"/,
  },
  {
    name: 'dt = 0 in the description',
    argv: () => ['simulate', net('dt0.json', (d) => (d.dt = 0))],
    line: /dt must be > 0 ms \(got 0\)/,
  },
  {
    name: 'dt < 0 on the command line',
    argv: () => ['simulate', net('ok1.json', () => {}), '--dt=-0.1'],
    line: /option '--dt <ms>' argument '-0\.1' is invalid.*\(see snn simulate --help\)/,
  },
  {
    name: 'delay not a multiple of dt',
    argv: () => ['simulate', net('delay.json', (d) => ((d.projections[0] as Record<string, unknown>).delay = 0.25))],
    line: /projections\[0\]\.delay = 0\.25 ms is not a multiple of dt = 0\.1 ms \(use a multiple of 0\.1 ms/,
  },
  {
    name: 'projection to a missing population',
    argv: () => ['simulate', net('missing.json', (d) => (d.projections[0]!.to = 'exk')), '--out', file('missing.snntrace')],
    line: /projections\[0\]\.to names population 'exk', which does not exist \(known populations: in, exc\)/,
    noOutput: () => file('missing.snntrace'),
  },
  {
    name: 'weight matrix of the wrong shape',
    argv: () => ['simulate', net('shape.json', (d) => ((d.projections[0] as Record<string, unknown>).weights = [[1, 2, 3], [1, 2, 3]])), '--out', file('shape.snntrace')],
    line: /projections\[0\]\.weights must be a 4 × 3 matrix.*\(check the shape: 2 × 3 given\)/,
    noOutput: () => file('shape.snntrace'),
  },
  {
    name: 'memory estimate above the available memory (dense 200000 × 200000)',
    argv: () => [
      'simulate',
      net('huge.json', (d) => {
        d.populations[0]!.size = 200000;
        d.populations[1]!.size = 200000;
      }),
      '--out',
      file('huge.snntrace'),
    ],
    line: /needs about \d+(\.\d+)? GiB but only .* GiB of memory is available \(reduce population sizes/,
    noOutput: () => file('huge.snntrace'),
  },
  {
    name: 'recording a population that does not exist',
    argv: () => ['simulate', net('ok2.json', () => {}), '--record', 'spikes:exd'],
    line: /no such population.*\(known populations: in, exc\)/,
  },
  {
    name: 'missing description file',
    argv: () => ['simulate', file('nope.json')],
    line: /no such file: .*nope\.json \(check the path\)/,
  },
  {
    name: 'bad --duration value',
    argv: () => ['simulate', net('ok3.json', () => {}), '--duration', 'ten'],
    line: /option '--duration <ms>' argument 'ten' is invalid.*\(see snn simulate --help\)/,
  },
  {
    name: 'bad --mode choice',
    argv: () => ['simulate', net('ok4.json', () => {}), '--mode', 'fast'],
    line: /argument 'fast' is invalid\. Allowed choices are clock, exact/,
  },
  {
    name: 'bad --record-state spec',
    argv: () => ['simulate', net('ok5.json', () => {}), '--record-state', 'v@exc'],
    line: /option '--record-state <spec>' argument 'v@exc' is invalid/,
  },
  {
    name: 'missing required argument',
    argv: () => ['simulate'],
    line: /missing required argument 'network' \(see snn simulate --help\)/,
  },
  {
    name: 'unknown option gets a suggestion',
    argv: () => ['simulate', net('ok6.json', () => {}), '--durration', '5'],
    line: /unknown option '--durration' \(Did you mean --duration\?\)/,
  },
  {
    name: 'unknown command gets a suggestion',
    argv: () => ['simulat', 'x.json'],
    line: /unknown command 'simulat' \(Did you mean simulate\?\)/,
  },
  // --- training data and run directories (snn train, snn eval) ---
  {
    name: 'truncated IDX file (--data-dir)',
    argv: () => [...TRAIN, '--data-dir', dataDir('trunc', idx(0x803, [5, 28, 28], new Uint8Array(1000))), '--out', file('run-trunc')],
    line: /train-images-idx3-ubyte.*(truncated|bytes).*\(replace the damaged file/,
  },
  {
    name: 'IDX file with a wrong magic (--data-dir)',
    argv: () => [...TRAIN, '--data-dir', dataDir('magic', idx(0x504b0304, [5, 28, 28], new Uint8Array(5 * 784))), '--out', file('run-magic')],
    line: /train-images-idx3-ubyte.*(magic|IDX).*\(replace the damaged file/,
  },
  {
    name: 'missing dataset names the command that installs it',
    argv: () => [...TRAIN, '--dataset', 'fashion-mnist', '--data-dir', '/nonexistent', '--out', file('run-nodata')],
    line: /Fashion-MNIST not found.*\/nonexistent.*--data-dir/,
  },
  {
    name: 'missing Fashion-MNIST in an empty data directory names apt-get',
    argv: () => (mkdirSync(file('empty-data'), { recursive: true }), [...TRAIN, '--dataset', 'fashion-mnist', '--data-dir', file('empty-data'), '--out', file('run-nodata2')]),
    line: /Fashion-MNIST not found in .*empty-data \(install it with: apt-get install dataset-fashion-mnist/,
  },
  {
    name: 'unknown model',
    argv: () => [...TRAIN, '--model', 'hao2021', '--out', file('run-model')],
    line: /option '--model <name>' argument 'hao2021' is invalid\. Allowed choices are hao2020/,
  },
  {
    name: '--resume of a directory with no run',
    argv: () => (mkdirSync(file('not-a-run'), { recursive: true }), ['train', '--resume', file('not-a-run')]),
    line: /not-a-run.*(no training run|config\.json).*\(/,
  },
  {
    name: '--resume with a config.json that does not fit',
    argv: () => (mkdirSync(file('bad-config-run'), { recursive: true }), writeFileSync(join(file('bad-config-run'), 'config.json'), '{"model": "hao2020", "dataset": "mnist", "neurons": 10, "seed": 1, "modelConfig": {"neurons": "ten"}}'), ['train', '--resume', file('bad-config-run')]),
    line: /config\.json: the run configuration does not fit this version or configuration \(at \w+(\.\w+)?: .*\) \(restore the config\.json/,
  },
  {
    name: 'damaged checkpoint',
    argv: () => ['train', '--resume', file('damaged-run'), '--no-progress'],
    line: /checkpoint\.snnckpt: the checkpoint fails its checksum.*\(use an intact copy, or rerun\)/,
  },
  {
    name: 'missing required option --neurons',
    argv: () => ['train', '--seed', '1', '--out', file('run-noneurons')],
    line: /missing --neurons \(e\.g\. --neurons 100\)/,
  },
  {
    name: 'zero --neurons',
    argv: () => ['train', '--neurons', '0', '--seed', '1', '--out', file('run-zero')],
    line: /option '--neurons <n>' argument '0' is invalid\. expected a whole number ≥ 1/,
  },
  {
    name: 'negative --seed',
    argv: () => ['train', '--neurons', '10', '--seed=-4', '--out', file('run-seed')],
    line: /option '--seed <n>' argument '-4' is invalid/,
  },
  {
    name: 'eval of a directory without a model',
    argv: () => ['eval', file('not-a-run'), '--no-progress'],
    line: /not-a-run.*\(/,
  },
  {
    name: 'eval of a damaged model file',
    argv: () => (writeFileSync(file('bad.snnmodel'), Buffer.concat([Buffer.from('SNNMODL1'), Buffer.alloc(60, 7)])), ['eval', file('bad.snnmodel'), '--no-progress']),
    line: /bad\.snnmodel: the model fails its checksum.*\(use an intact copy/,
  },
  // --- files snn reads back (inspect, export) ---
  {
    name: 'corrupt trace chunk',
    argv: () => ['inspect', file('corrupt.snntrace')],
    line: /corrupt\.snntrace.*(corrupt|damaged|CRC|checksum).*--allow-partial/,
  },
  {
    name: 'an HDF5/NIR-like file with garbage',
    argv: () => (writeFileSync(file('garbage.nir'), Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 0xab)])), ['inspect', file('garbage.nir')]),
    line: /garbage\.nir is not a format snn can inspect \(known formats: snn-trace/,
  },
  {
    name: 'export source that is not spike JSON',
    argv: () => ['export', file('garbage.nir'), '--format', 'csv', '--out', file('x.csv')],
    line: /garbage\.nir.*JSON.*\(/,
    noOutput: () => file('x.csv'),
  },
  {
    name: 'unknown export format gets the near name',
    argv: () => (writeFileSync(file('sp.json'), JSON.stringify({ spikes: [[1, 0]] })), ['export', file('sp.json'), '--format', 'aedat5', '--out', file('x.aedat')]),
    line: /unknown export format 'aedat5' \(did you mean 'aedat[24]'\?/,
    noOutput: () => file('x.aedat'),
  },
  {
    name: 'export with neither --out nor --format',
    argv: () => ['export', file('sp.json')],
    line: /give --format or --out \(for example --format nir/,
  },
];

let stderr: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snn-bad-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  // A trace whose middle chunk is damaged.
  const good = net('trace-net.json', (d) => ((d.duration = 2000), (d.populations[0]!.size = 400), (d.populations[0]!.rates = 200)));
  expect(await main(['simulate', good, '--out', file('corrupt.snntrace'), '--no-progress'])).toBe(0);
  const bytes = readFileSync(file('corrupt.snntrace'));
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  writeFileSync(file('corrupt.snntrace'), bytes);
  // A run directory whose checkpoint is damaged.
  expect(await main([...TRAIN, '--checkpoint-every', '1', '--out', file('damaged-run')])).toBe(0);
  const ck = readFileSync(join(file('damaged-run'), 'checkpoint.snnckpt'));
  ck[ck.length - 10] ^= 0x01;
  writeFileSync(join(file('damaged-run'), 'checkpoint.snnckpt'), ck);
  vi.restoreAllMocks();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('bad input: exit 2, one line naming the problem and the fix, no stack', () => {
  it('covers at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const code = await main(c.argv());
    const lines = stderr.split('\n').filter((l) => l.length > 0);
    expect(lines, stderr).toHaveLength(1);
    expect(code, stderr).toBe(2);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(c.line);
    // A fix is named: the line ends with a parenthesised hint.
    expect(lines[0]).toMatch(/\([^()]*(\([^()]*\)[^()]*)*\)$/);
    expect(stderr).not.toMatch(/\n\s+at /);
    if (c.noOutput) {
      const out = c.noOutput();
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.startsWith(`${out.split('/').pop()}.`))).toEqual([]);
    }
  });

  it('--debug adds the stack trace', async () => {
    const code = await main(['simulate', net('dbg.json', (d) => (d.projections[0]!.to = 'exk')), '--debug']);
    expect(code).toBe(2);
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^error: .*does not exist/);
    expect(lines.length).toBeGreaterThan(2);
    expect(stderr).toMatch(/\n\s+at .*build-network/);
  });

  it('--debug adds the stack trace of a command-line error too', async () => {
    expect(await main(['simulate', '--debug'])).toBe(2);
    expect(stderr.split('\n')[0]).toMatch(/^error: missing required argument 'network'/);
    expect(stderr).toMatch(/\n\s+at /);
  });
});

describe('bad input through the real entry (child process)', () => {
  let entry: string;
  beforeAll(() => {
    entry = cliEntry();
  }, 300_000); // may compile the CLI (test/helpers/cli-bin.ts) on a loaded machine

  it.each([
    ['a projection to a missing population', () => ['simulate', net('child1.json', (d) => (d.projections[0]!.to = 'exk'))], /does not exist \(known populations/],
    ['a bad option value of a subcommand', () => ['simulate', net('child2.json', () => {}), '--mode', 'fast'], /Allowed choices are clock, exact/],
    ['an unknown command', () => ['simulat'], /unknown command 'simulat' \(Did you mean simulate\?\)/],
  ] as const)('%s: exit 2, one line, no stack', (_name, argv, line) => {
    const r = spawnSync(process.execPath, [entry, ...argv()], { encoding: 'utf8', env: childEnv() });
    expect(r.status, r.stderr).toBe(2);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
