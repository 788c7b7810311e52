/**
 * The declared per-step schedule of clock-driven simulation (Brian2's slots).
 *
 * Components join a slot with an order (tie-break inside the slot). The slot sequence reproduces
 * Brian2's per-step order: state update → threshold → synapses (spike propagation, then delivery
 * of the input that arrives now) → reset. `describe()` prints the resolved order (`snn inspect
 * --schedule`).
 */
export const SLOTS = [
  'start', // recorders of state (values at t, before the update), control events
  'integrate', // state update t → t + dt
  'threshold', // spike detection; spikes recorded at t
  'synapses', // spike propagation into input rings; pre-synaptic plasticity
  'deliver', // populations read the input arriving in this step
  'plasticity', // post-synaptic plasticity on this step's spikes
  'reset', // reset and threshold jump of the neurons that spiked
  'end', // hooks, monitors of the step
] as const;

export type Slot = (typeof SLOTS)[number];

export interface ScheduledTask {
  readonly slot: Slot;
  readonly order: number;
  readonly name: string;
  run(step: number): void;
}

export class ClockSchedule {
  private readonly entries: ScheduledTask[] = [];
  private resolved: ScheduledTask[] | null = null;

  add(slot: Slot, order: number, name: string, run: (step: number) => void): void {
    this.addTask({ slot, order, name, run });
  }

  /** Adds a task object (models/step-tasks.ts: class instances, whose optimised code every network shares). */
  addTask(task: ScheduledTask): void {
    this.entries.push(task);
    this.resolved = null;
  }

  remove(name: string): void {
    const i = this.entries.findIndex((e) => e.name === name);
    if (i >= 0) this.entries.splice(i, 1);
    this.resolved = null;
  }

  /** Tasks in execution order: slot, then order, then the order they were added. */
  tasks(): readonly ScheduledTask[] {
    if (this.resolved === null) {
      const indexed = this.entries.map((e, i) => ({ e, i }));
      indexed.sort(
        (a, b) =>
          SLOTS.indexOf(a.e.slot) - SLOTS.indexOf(b.e.slot) || a.e.order - b.e.order || a.i - b.i,
      );
      this.resolved = indexed.map((x) => x.e);
    }
    return this.resolved;
  }

  runStep(step: number): void {
    const tasks = this.tasks();
    for (let k = 0; k < tasks.length; k++) tasks[k]!.run(step);
  }

  describe(): string[] {
    return this.tasks().map((t) => `${t.slot.padEnd(10)} ${String(t.order).padStart(4)}  ${t.name}`);
  }
}
