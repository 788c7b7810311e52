/**
 * The per-step tasks a network puts in its schedule (engine/clock-schedule.ts), as instances of
 * small classes rather than closures.
 *
 * Why: V8 keeps type feedback and optimised code per closure once a function literal has made more
 * than one closure, so `(s) => pop.integrate(s)` created for every new network starts cold and is
 * compiled again, on a background thread whose CPU time falls inside the new network's first run
 * (seen with `--trace-opt` in the timed CUBA loop after a warm-up network). A class method is one
 * function for every network, so what was optimised for one network serves the next.
 */
import type { ScheduledTask, Slot } from '../engine/clock-schedule.js';
import type { Population } from './population.js';
import type { Projection } from './projection.js';

abstract class PopulationTask implements ScheduledTask {
  constructor(
    readonly slot: Slot,
    readonly order: number,
    readonly name: string,
    protected readonly pop: Population,
  ) {}
  abstract run(step: number): void;
}

class IntegrateTask extends PopulationTask {
  run(step: number): void {
    this.pop.integrate(step);
  }
}

class ThresholdTask extends PopulationTask {
  run(step: number): void {
    this.pop.threshold(step);
  }
}

class DeliverTask extends PopulationTask {
  run(step: number): void {
    this.pop.deliver(step);
  }
}

class ResetTask extends PopulationTask {
  run(step: number): void {
    this.pop.reset(step);
  }
}

class PropagateTask implements ScheduledTask {
  readonly slot = 'synapses';
  constructor(
    readonly order: number,
    readonly name: string,
    private readonly projection: Projection,
  ) {}
  run(step: number): void {
    this.projection.propagate(step);
  }
}

class AccountingTask implements ScheduledTask {
  readonly slot = 'threshold';
  readonly order = 1_000_000;
  readonly name = 'spike-accounting';
  constructor(private readonly net: { accountSpikes(step: number): void }) {}
  run(step: number): void {
    this.net.accountSpikes(step);
  }
}

/** The four tasks of population `pop` (index k in the network: its order within each slot). */
export function populationTasks(pop: Population, k: number): ScheduledTask[] {
  return [
    new IntegrateTask('integrate', k, `${pop.name}.integrate`, pop),
    new ThresholdTask('threshold', k, `${pop.name}.threshold`, pop),
    new DeliverTask('deliver', k, `${pop.name}.deliver`, pop),
    new ResetTask('reset', k, `${pop.name}.reset`, pop),
  ];
}

/** The propagation task of projection `proj` (index k in the network). */
export function propagationTask(proj: Projection, k: number): ScheduledTask {
  return new PropagateTask(k, `${proj.name}.propagate`, proj);
}

/** Spike counting and recording, after every threshold of the step (Brian2's SpikeMonitor slot). */
export function accountingTask(net: { accountSpikes(step: number): void }): ScheduledTask {
  return new AccountingTask(net);
}
