#!/usr/bin/env node
/**
 * `snn` command-line entry. Thin: parse, validate, call the library, print.
 * Every SnnError becomes one line on stderr and exit code 2; `--debug` adds the stack.
 */
import { Command, CommanderError } from 'commander';
import { SnnError } from '../engine/errors.js';
import { registerAll } from './commands/index.js';
import { SNN_VERSION } from './version.js';
import { CommandExit } from './signals.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('snn')
    .description('Spiking neural networks: simulate, train plasticity rules, export to hardware')
    .version(SNN_VERSION)
    .option('--debug', 'show stack traces of errors')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: true })
    // Set before the subcommands are added, which inherit both: commander throws instead of
    // calling process.exit (exit code 1), and its usage errors are printed by reportError as one
    // line like every other error.
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  registerAll(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  const command = argv.find((a) => program.commands.some((c) => c.name() === a));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, debug, command);
  }
}

/** Prints `err` as one line (`error: what (fix)`), plus the stack with `--debug`; returns the exit code. */
export function reportError(err: unknown, debug: boolean, command?: string): number {
  // The command printed what happened itself (e.g. an interrupted run and how to continue it).
  if (err instanceof CommandExit) return err.exitCode;
  if (err instanceof CommanderError) {
    // Help and version were printed by commander; so was the help shown for a bare `snn`.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') return err.exitCode === 0 ? 0 : 2;
    // commander's usage errors: "error: what" plus, after a typo, a line "(Did you mean x?)".
    const [what = 'invalid command line', ...rest] = err.message.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter(Boolean);
    const hint = rest.length > 0 ? rest.join(' ').replace(/^\((.*)\)$/, '$1') : `see snn ${command ? `${command} ` : ''}--help`;
    process.stderr.write(`error: ${oneLine(`${what} (${hint})`)}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
  if (err instanceof SnnError) {
    process.stderr.write(`error: ${oneLine(err.oneLine())}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`error: internal error: ${oneLine(e?.message ?? String(err))} (please report it; rerun with --debug for the stack)\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  return 70;
}

/** The error contract promises one line: messages that quote file content may hold newlines or control bytes. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

const invokedDirectly = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly || process.argv[1]?.endsWith('/snn') || process.argv[1]?.endsWith('cli/main.js')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
