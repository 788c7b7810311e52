#!/usr/bin/env node
/**
 * `snn` command-line entry. Thin: parse, validate, call the library, print.
 * Every SnnError becomes one line on stderr and exit code 2; `--debug` adds the stack.
 */
import { Command, CommanderError } from 'commander';
import { SnnError } from '../engine/errors.js';
import { registerAll } from './commands/index.js';
import { SNN_VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('snn')
    .description('Spiking neural networks: simulate, train plasticity rules, export to hardware')
    .version(SNN_VERSION)
    .option('--debug', 'show stack traces of errors')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: true });
  registerAll(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, debug);
  }
}

export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage error).
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof SnnError) {
    process.stderr.write(`error: ${err.oneLine()}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(
    `error: internal error: ${e?.message ?? String(err)} (please report it; rerun with --debug for the stack)\n`,
  );
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  return 70;
}

const invokedDirectly = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly || process.argv[1]?.endsWith('/snn') || process.argv[1]?.endsWith('cli/main.js')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
