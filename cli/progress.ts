/**
 * Progress of long runs on stderr, never with --json. On a terminal: one bar redrawn in place,
 * at most 80 columns (less on a narrower terminal) with the ETA before anything that may be cut.
 * Elsewhere (a log file, a CI job): a plain line every few seconds. Rate and ETA count only the
 * work done since the reporter started (a resumed run's earlier samples are not new work).
 */

export interface ProgressReporter {
  update(done: number, total: number, extra?: Record<string, string | number>): void;
  /** A line of its own (an evaluation's result, say), printed above the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Text after the counts and ETA, from the update's extra fields (may be cut to fit). */
  describe?: (extra: Record<string, string | number>) => string;
  /** Draw a bar (a terminal) or print log lines; default: whether stderr is a terminal. */
  tty?: boolean;
  /** Seconds between log lines when not on a terminal (default 5). */
  logEverySeconds?: number;
  /** Where to write (default process.stderr.write). */
  write?: (s: string) => void;
  /** Milliseconds since some origin (default performance.now): for tests. */
  now?: () => number;
}

export const MAX_COLUMNS = 80;

/** `45s`, `12m03s`, `1h02m`, `4d03h`, at most `>999d`; '–' when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 100) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return d < 1000 ? `${d}d${String(h % 24).padStart(2, '0')}h` : '>999d';
}

function formatRate(perSecond: number): string {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return '–';
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toFixed(2);
}

export interface StatusInput {
  label: string;
  unit: string;
  done: number;
  total: number;
  /** Units per second of new work, or 0 when not known yet. */
  rate: number;
  detail: string;
}

/** The bar line: `label  42% |████░░░░| 1234/60000 ETA 12m03s 45.2/s detail`, cut to `width` columns (ETA never cut). */
export function barLine(s: StatusInput, width = MAX_COLUMNS): string {
  const pct = s.total > 0 ? Math.min(1, s.done / s.total) : 0;
  const eta = s.rate > 0 ? formatDuration((s.total - s.done) / s.rate) : '–';
  const head = `${s.label} ${String(Math.floor(100 * pct)).padStart(3)}% `;
  const tail = ` ${s.done}/${s.total} ETA ${eta} ${formatRate(s.rate)}/s`;
  const barWidth = Math.max(5, Math.min(24, width - head.length - tail.length - 2 - 12));
  const filled = Math.round(pct * barWidth);
  const line = `${head}|${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}|${tail}${s.detail ? ` ${s.detail}` : ''}`;
  return [...line].length > width ? [...line].slice(0, width - 1).join('') + '…' : line;
}

/** The log line of a non-terminal: `label: 1234/60000 samples (2 %), 45.2 samples/s, ETA 12m03s; detail`. */
export function logLine(s: StatusInput): string {
  const pct = s.total > 0 ? Math.floor((100 * s.done) / s.total) : 0;
  const eta = s.rate > 0 ? formatDuration((s.total - s.done) / s.rate) : '–';
  return `${s.label}: ${s.done}/${s.total} ${s.unit} (${pct} %), ${formatRate(s.rate)} ${s.unit}/s, ETA ${eta}${s.detail ? `; ${s.detail}` : ''}`;
}

export function progressReporter(label: string, unit: string, enabled: boolean, options: ProgressOptions = {}): ProgressReporter {
  const now = options.now ?? (() => performance.now());
  const write = options.write ?? ((s: string) => void process.stderr.write(s));
  const tty = options.tty ?? process.stderr.isTTY === true;
  // SNN_PROGRESS_SECONDS sets the interval of the plain log lines (e.g. for a CI log or a test).
  const fromEnv = Number(process.env.SNN_PROGRESS_SECONDS);
  const logEvery = 1000 * (options.logEverySeconds ?? (fromEnv > 0 ? fromEnv : 5));
  const created = now();
  let base: { t: number; done: number } | null = null;
  let lastDraw = -Infinity;
  let drawn = '';
  let last: StatusInput | null = null;

  const status = (done: number, total: number, extra: Record<string, string | number>): StatusInput => {
    base ??= { t: now(), done };
    const seconds = (now() - base.t) / 1000;
    const rate = seconds > 0.5 && done > base.done ? (done - base.done) / seconds : 0;
    return { label, unit, done, total, rate, detail: options.describe?.(extra) ?? '' };
  };
  const width = () => Math.min(MAX_COLUMNS, process.stderr.columns || MAX_COLUMNS);
  const draw = (s: StatusInput) => {
    drawn = barLine(s, width());
    write(`\r${drawn}\x1b[K`);
  };
  return {
    update(done, total, extra = {}) {
      if (!enabled) return;
      const s = status(done, total, extra);
      last = s;
      const t = now();
      if (tty) {
        // Quick runs draw nothing; then at most 10 redraws a second.
        if (t - created < 1000 || t - lastDraw < 100) return;
        lastDraw = t;
        draw(s);
      } else if (t - lastDraw >= logEvery && t - base!.t >= Math.min(logEvery, 2000)) {
        // The first line once the rate is known (2 s of work), then one every few seconds.
        lastDraw = t;
        write(`${logLine(s)}\n`);
      }
    },
    log(line) {
      if (tty && drawn) {
        write(`\r\x1b[K${line}\n`);
        if (last) draw(last);
      } else write(`${line}\n`);
    },
    stop() {
      if (tty && drawn) write('\n');
      drawn = '';
    },
  };
}
