/**
 * Test helpers shared by the backend-equivalence tests: run a network description on a chosen
 * kernel backend with every spike recorded, and a do-nothing population to drive projections by hand.
 */
import { setKernelBackend, type KernelBackend } from '../../engine/backend.js';
import { MemorySink } from '../../engine/recorder-sink.js';
import { SpikeBuffer } from '../../engine/spike-buffer.js';
import { buildNetwork, resolveSettings } from '../../models/build-network.js';
import { parseDescription, type NetworkDescription } from '../../models/description.js';
import type { Network } from '../../models/network.js';
import type { Population } from '../../models/population.js';

/** Builds `desc` with `backend`, records every population's spikes, runs its whole duration. */
export function runWithBackend(desc: NetworkDescription, backend: KernelBackend): { net: Network; sink: MemorySink } {
  setKernelBackend(backend);
  const d = parseDescription(desc);
  const net = buildNetwork(d, resolveSettings(d));
  const sink = new MemorySink();
  for (const p of net.populations) net.recordSpikes(p.name, sink);
  net.run(d.duration!);
  net.flushRecorders();
  return { net, sink };
}

/** A population with no dynamics, one 'exc' channel and its own spike buffer (fields overridable). */
export function fakePopulation(name: string, size: number, extra: Partial<Population> = {}): Population {
  return {
    name,
    size,
    kind: 'fake',
    spikes: new SpikeBuffer(size),
    channels: ['exc'],
    attachInput() {},
    integrate() {},
    threshold() {},
    deliver() {},
    reset() {},
    stateVariables: () => ({}),
    ...extra,
  };
}
