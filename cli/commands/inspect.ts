/**
 * `snn inspect FILE [--json] [--allow-partial]`: what is in a file snn wrote.
 *
 * The format is detected from the file's first bytes, not its name, through the `inspectors`
 * list below: to support another format, add one `FileInspector` (detect + inspect) to it.
 * Thin by design: all reading and statistics live in io/.
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { SnnError } from '../../engine/errors.js';
import { positiveNumber } from '../parse.js';
import { fsError } from '../../io/atomic.js';
import { isTraceMagic } from '../../io/trace-format.js';
import { summarizeTrace, type TraceSummary } from '../../io/trace-stats.js';
import { formatInspectors } from './inspect-formats.js';
import { inspectRun, isRunDirectory } from './inspect-run.js';

export interface InspectOptions {
  json?: boolean;
  allowPartial?: boolean;
  /** Time step (ms) of files that store step indices only (Lava rasters). */
  dt?: number;
}

export interface InspectResult {
  /** Format name, e.g. "snn-trace". */
  format: string;
  /** Machine-readable report (printed by --json): plain JSON values only. */
  json: Record<string, unknown>;
  /** Human-readable report. */
  text: string;
}

export interface FileInspector {
  format: string;
  /** True when `head` (the first HEAD_BYTES bytes, fewer for short files) is this format. */
  detect(head: Uint8Array): boolean;
  inspect(path: string, options: InspectOptions): InspectResult | Promise<InspectResult>;
}

const HEAD_BYTES = 64;

const fmt = (v: number | null, digits: number): string => (v === null ? '–' : v.toFixed(digits));
const group = (n: number): string => n.toLocaleString('en-US');

/** Columns before `textColumns` are names (left-aligned); the rest are numbers (right-aligned). */
function table(rows: string[][], textColumns = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < textColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** A time in ms without float noise (998.4000000000001 → 998.4). */
const ms = (v: number): string => String(Number(v.toFixed(6)));

function traceText(s: TraceSummary): string {
  const h = s.header;
  const status = s.complete
    ? 'complete'
    : s.stopped
      ? `INCOMPLETE: read stopped at chunk ${s.stopped.chunk} (${s.stopped.code === 'io.truncated' ? 'truncated' : 'corrupt'} at byte ${s.stopped.offset}); shown: chunks 0–${s.stopped.chunk - 1}`
      : 'INCOMPLETE: no end record (the run did not finish); shown: every chunk written';
  const duration =
    s.durationMs === null ? '–' : `${ms(s.durationMs)} ms${s.durationSource === 'last-spike' ? ' (up to the last spike; the run did not record its end)' : ''}`;
  const lines = [
    `${s.path}: snn-trace v${h.version}, ${status}`,
    `  mode      ${h.mode}${h.dt === null ? ' (event-driven, no dt)' : `, dt ${h.dt} ms`}`,
    `  seed      ${h.seed}`,
    `  network   sha256 ${h.descriptionHash}`,
    `  written   by snn ${h.snnVersion} at ${h.createdAt}`,
    `  duration  ${duration}`,
    `  chunks    ${group(s.chunks)} (${group(s.bytes)} bytes read)`,
  ];
  if (h.meta !== undefined) lines.push(`  meta      ${JSON.stringify(h.meta)}`);
  const rows = [['population', 'neurons', 'active', 'spikes', 'rate (Hz)', 'CV ISI', 'first (ms)', 'last (ms)']];
  for (const p of s.populations) {
    rows.push([p.name, group(p.size), group(p.activeNeurons), group(p.spikes), fmt(p.meanRateHz, 3), fmt(p.cvIsi, 3), fmt(p.firstSpike, 3), fmt(p.lastSpike, 3)]);
  }
  lines.push('', table(rows));
  if (s.states.length > 0) {
    lines.push('', table([['state', 'population', 'neurons', 'samples'], ...s.states.map((v) => [v.variable, v.population, group(v.neurons), group(v.samples)])], 2));
  }
  return lines.join('\n');
}

const traceInspector: FileInspector = {
  format: 'snn-trace',
  detect: isTraceMagic,
  inspect(path, options) {
    const s = summarizeTrace(path, { allowPartial: options.allowPartial });
    return { format: 'snn-trace', json: { format: 'snn-trace', ...s }, text: traceText(s) };
  },
};

/** Every format `snn inspect` understands, tried in order. */
export const inspectors: FileInspector[] = [traceInspector, ...formatInspectors];

function readHead(path: string): Uint8Array {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    if (fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    const head = Buffer.alloc(HEAD_BYTES);
    const n = fs.readSync(fd, head, 0, HEAD_BYTES, 0);
    return head.subarray(0, n);
  } catch (err) {
    return fsError(err, path, 'read');
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Detects the format of `path` and inspects it. */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectResult> {
  if (isRunDirectory(path)) return inspectRun(path);
  const head = readHead(path);
  if (head.length === 0) throw new SnnError('io.format', `${path} is empty`, 'the program that wrote it stopped before writing anything');
  const inspector = inspectors.find((i) => i.detect(head));
  if (!inspector) {
    throw new SnnError('io.format', `${path} is not a format snn can inspect`, `known formats: ${inspectors.map((i) => i.format).join(', ')}`);
  }
  return inspector.inspect(path, options);
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show the header and per-population statistics of a file snn writes or reads (format detected from its content)')
    .argument('<file>', 'a run directory, a trace, NIR graph, NIRData, NWB, AEDAT 2/4, npy, Lava, CSV, SpikeSourceArray, spike JSON, .snnmodel or .snnckpt')
    .option('--json', 'print a JSON report instead of the table')
    .option('--allow-partial', 'read a truncated or damaged file up to its last intact chunk instead of failing')
    .option('--dt <ms>', 'time step of a Lava raster, which stores step indices only (default: times in steps)', positiveNumber)
    .action(async (file: string, opts: InspectOptions) => {
      const result = await inspectFile(file, opts);
      process.stdout.write(opts.json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`);
    });
}
