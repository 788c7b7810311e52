/**
 * A progress bar for long runs (cli-progress), shown only on a terminal, only once a run has taken
 * more than a second, and never with --json.
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number, extra: Record<string, string | number>): void;
  stop(): void;
}

export function progressReporter(label: string, unit: string, enabled: boolean, format?: string): ProgressReporter {
  const started = performance.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done, total, extra) {
      if (!enabled || !process.stderr.isTTY) return;
      if (bar === null) {
        if (performance.now() - started < 1000) return;
        bar = new cliProgress.SingleBar(
          {
            format: format ?? `${label} |{bar}| {percentage}% | {value}/{total} ${unit} | wall {wall}s | ETA {eta_formatted} | {rate}`,
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, extra);
      }
      bar.update(done, { ...extra, wall: ((performance.now() - started) / 1000).toFixed(1) });
    },
    stop() {
      bar?.stop();
    },
  };
}
