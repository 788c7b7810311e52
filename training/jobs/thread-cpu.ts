/**
 * CPU seconds used by the calling thread. Jobs run side by side on worker threads of one process,
 * so the process's CPU time (process.cpuUsage) would charge each job for all of them. On Linux the
 * kernel keeps per-thread counters in /proc/thread-self/stat (read synchronously, hence by the
 * calling thread itself); elsewhere this falls back to the process's time, which is right only
 * when one thread does the work.
 */
import { readFileSync } from 'node:fs';

/** Linux reports utime/stime in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

let procAvailable = process.platform === 'linux';

export function threadCpuSeconds(): number {
  if (procAvailable) {
    try {
      const stat = readFileSync('/proc/thread-self/stat', 'utf8');
      // Fields after the command name (which may contain spaces) start at field 3 (state);
      // utime and stime are fields 14 and 15.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(rest[11]) + Number(rest[12]);
      if (Number.isFinite(ticks)) return ticks / TICKS_PER_SECOND;
    } catch {
      /* no procfs: fall back below */
    }
    procAvailable = false;
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
