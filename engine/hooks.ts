/**
 * Hooks for rules, recorders and experiment runners. Listeners are called in the order they were
 * added; none of them may allocate per call on a hot path.
 */
export interface RunHooks {
  /** After every step. */
  onStep?(step: number, t: number): void;
  /** For each population that emitted spikes in a step; `ids[0..count)` are valid. */
  onSpike?(population: number, ids: Int32Array, count: number, t: number): void;
  onPresentationStart?(index: number, t: number): void;
  onPresentationEnd?(index: number, t: number): void;
}

export class HookSet {
  private readonly stepListeners: NonNullable<RunHooks['onStep']>[] = [];
  private readonly spikeListeners: NonNullable<RunHooks['onSpike']>[] = [];
  private readonly startListeners: NonNullable<RunHooks['onPresentationStart']>[] = [];
  private readonly endListeners: NonNullable<RunHooks['onPresentationEnd']>[] = [];

  add(hooks: RunHooks): void {
    if (hooks.onStep) this.stepListeners.push(hooks.onStep.bind(hooks));
    if (hooks.onSpike) this.spikeListeners.push(hooks.onSpike.bind(hooks));
    if (hooks.onPresentationStart) this.startListeners.push(hooks.onPresentationStart.bind(hooks));
    if (hooks.onPresentationEnd) this.endListeners.push(hooks.onPresentationEnd.bind(hooks));
  }

  get hasStep(): boolean {
    return this.stepListeners.length > 0;
  }

  get hasSpike(): boolean {
    return this.spikeListeners.length > 0;
  }

  step(step: number, t: number): void {
    for (const f of this.stepListeners) f(step, t);
  }

  spike(population: number, ids: Int32Array, count: number, t: number): void {
    for (const f of this.spikeListeners) f(population, ids, count, t);
  }

  presentationStart(index: number, t: number): void {
    for (const f of this.startListeners) f(index, t);
  }

  presentationEnd(index: number, t: number): void {
    for (const f of this.endListeners) f(index, t);
  }
}
