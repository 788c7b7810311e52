/**
 * The arrays the numerical guard (engine/finite-guard.ts) watches in a network: every state
 * variable of every population (LIF v, ge, gi, theta; source rates), named by population.
 */
import type { GuardedArray } from '../engine/finite-guard.js';
import type { Population } from './population.js';

export function guardedState(populations: readonly Population[]): GuardedArray[] {
  const out: GuardedArray[] = [];
  for (const pop of populations) {
    for (const [variable, values] of Object.entries(pop.stateVariables())) out.push({ population: pop.name, variable, values });
  }
  return out;
}

/** Named model arrays (weights, thresholds: `{'input->exc': w, 'exc.theta': θ}`) as guarded arrays. */
export function guardedArrays(arrays: Record<string, ArrayLike<number>>): GuardedArray[] {
  return Object.entries(arrays).map(([name, values]) => {
    const dot = name.lastIndexOf('.');
    return dot > 0 ? { population: name.slice(0, dot), variable: name.slice(dot + 1), values } : { population: name, variable: 'weights', values };
  });
}
