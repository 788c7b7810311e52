/**
 * The explicit list of commands (one file each in this folder). Add a line to register a command.
 */
import type { Command } from 'commander';
import { registerBench } from './bench.js';
import { registerCompare } from './compare.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerInspect } from './inspect.js';
import { registerSimulate } from './simulate.js';
import { registerTrain } from './train.js';
import { registerEval } from './eval.js';
import { registerPlot } from './plot.js';
import { registerPlugins } from './plugins.js';
import { registerReport } from './report.js';
import { registerSweep } from './sweep.js';
import { registerWorker } from './worker.js';

type Register = (program: Command) => void;

const registrations: Register[] = [registerSimulate, registerTrain, registerEval, registerCompare, registerSweep, registerWorker, registerInspect, registerBench, registerExport, registerImport, registerPlot, registerReport, registerPlugins];

export function registerAll(program: Command): void {
  for (const register of registrations) register(program);
}
