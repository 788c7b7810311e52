/**
 * `snn bench cuba` and `snn simulate zoo:cuba` in-process: the JSON keys the Brian2 driver reads
 * (bench/peers/cuba-driver.sh), the optional JIT warm-up, and the zoo model from the command line.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { runCubaBench } from './cuba.js';

let stdout: string;
let stderr: string;
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('bench cuba', () => {
  it('prints one JSON object with the keys the driver reads', async () => {
    expect(await main(['bench', 'cuba', '--neurons', '300', '--duration', '100', '--seed', '3', '--json'])).toBe(0);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    for (const k of ['simLoopSeconds', 'simLoopCpuSeconds', 'totalSeconds', 'buildSeconds', 'spikes', 'meanRateHz', 'neurons', 'synapses', 'backend', 'synapticEventsPerSecond']) {
      expect(r, k).toHaveProperty(k);
    }
    expect(r.neurons).toBe(300);
    expect(r.seed).toBe(3);
    expect(['js', 'wasm']).toContain(r.backend);
    expect(r.spikes as number).toBeGreaterThan(0);
    expect(r.totalSeconds as number).toBeGreaterThan(r.simLoopSeconds as number);
  });

  it('--jit-warmup times the warm-up apart; the measured run is unchanged', () => {
    const cold = runCubaBench({ neurons: 300, duration: 100, seed: 4 });
    const warm = runCubaBench({ neurons: 300, duration: 100, seed: 4, jitWarmup: true });
    expect(warm.jitWarmup).toBe(true);
    expect(warm.jitWarmupSeconds).toBeGreaterThan(0);
    expect(cold.jitWarmupSeconds).toBe(0);
    expect(warm.spikes).toBe(cold.spikes);
  });

  it('rejects a probability above 1 with one line', async () => {
    expect(await main(['bench', 'cuba', '--p', '1.5'])).toBe(2);
    expect(stderr).toMatch(/probability in \[0, 1\]/);
  });
});

describe('simulate zoo:cuba', () => {
  it('runs the zoo model with --neurons', async () => {
    expect(await main(['simulate', 'zoo:cuba', '--neurons', '200', '--duration', '50', '--json', '--no-progress'])).toBe(0);
    const r = JSON.parse(stdout) as { populations: { name: string; neurons: number }[] };
    expect(r.populations.map((p) => [p.name, p.neurons])).toEqual([
      ['exc', 160],
      ['inh', 40],
    ]);
  });
});
