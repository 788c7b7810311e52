/**
 * The explicit list of commands (one file each in this folder). Add a line to register a command.
 */
import type { Command } from 'commander';
import { registerInspect } from './inspect.js';
import { registerSimulate } from './simulate.js';

type Register = (program: Command) => void;

const registrations: Register[] = [registerSimulate, registerInspect];

export function registerAll(program: Command): void {
  for (const register of registrations) register(program);
}
