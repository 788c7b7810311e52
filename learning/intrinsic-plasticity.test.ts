/**
 * Intrinsic plasticity switches the threshold dynamics (θ jump and decay, models/lif.ts) on for
 * training and off for evaluation.
 */
import { describe, expect, it } from 'vitest';
import { LIF_DEFAULTS } from '../models/lif.js';
import { LifPopulation } from '../models/lif-population.js';
import { IntrinsicPlasticity } from './intrinsic-plasticity.js';

function population() {
  const params = { ...LIF_DEFAULTS, thetaPlus: 0.5, tauTheta: 100 };
  return new LifPopulation('exc', 3, params, 0.5, 'f64', -65);
}

/** Neuron 1 spikes once; what happens to θ. */
function spikeOnce(pop: LifPopulation): number[] {
  pop.spikes.ids[0] = 1;
  pop.spikes.count = 1;
  pop.reset(0);
  return Array.from(pop.theta);
}

describe('intrinsic plasticity', () => {
  it('plastic: a spike raises its neuron’s θ by θ₊', () => {
    const pop = population();
    const ip = new IntrinsicPlasticity(pop);
    ip.setPlastic(true);
    expect(ip.plastic).toBe(true);
    expect(spikeOnce(pop)).toEqual([0, 0.5, 0]);
  });

  it('frozen: θ does not jump', () => {
    const pop = population();
    const ip = new IntrinsicPlasticity(pop);
    ip.setPlastic(false);
    expect(ip.plastic).toBe(false);
    expect(pop.thetaPlastic).toBe(false);
    expect(spikeOnce(pop)).toEqual([0, 0, 0]);
  });

  it('saves and restores the switch', () => {
    const pop = population();
    const ip = new IntrinsicPlasticity(pop);
    expect(ip.saveState()).toEqual({ plastic: true });
    ip.setPlastic(false);
    const saved = ip.saveState();
    expect(saved).toEqual({ plastic: false });
    const other = new IntrinsicPlasticity(population());
    other.loadState(saved);
    expect(other.plastic).toBe(false);
    other.loadState({ plastic: true });
    expect(other.population.thetaPlastic).toBe(true);
  });

  it('is named after its population, of kind intrinsic-plasticity', () => {
    const ip = new IntrinsicPlasticity(population());
    expect(ip.name).toBe('intrinsic-plasticity:exc');
    expect(ip.kind).toBe('intrinsic-plasticity');
  });
});
