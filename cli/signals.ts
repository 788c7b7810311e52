/**
 * Ctrl-C and SIGTERM for long commands: the first signal asks the work to stop at its next safe
 * point (a flag in shared memory, which a synchronous loop in a worker thread can read), a second
 * one quits at once. The command then ends with exit code 130, the shell's code for "interrupted".
 */

/** Exit code of a command stopped by SIGINT or SIGTERM (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/** Thrown by a command to end with a given exit code after printing its own message (no "error:" line). */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CommandExit';
  }
}

export interface StopRequest {
  /** flag[0] becomes 1 on the first signal: what the work polls (shareable with a worker thread). */
  readonly flag: Int32Array;
  readonly requested: () => boolean;
  /** Removes the handlers (the default behaviour of the signals comes back). */
  dispose(): void;
}

/**
 * Installs SIGINT/SIGTERM handlers: the first signal sets the flag and calls `onFirst` (say what
 * will happen), a second calls `onSecond` (quit now; it should end the process).
 */
export function onStopSignal(onFirst: (signal: NodeJS.Signals) => void, onSecond: (signal: NodeJS.Signals) => void): StopRequest {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const handler = (signal: NodeJS.Signals) => {
    if (Atomics.exchange(flag, 0, 1) === 0) onFirst(signal);
    else onSecond(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    flag,
    requested: () => Atomics.load(flag, 0) !== 0,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `arg` quoted for a POSIX shell when it needs to be (so a printed command can be pasted as is). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
