/**
 * The normalised LIF neuron of the tensor-mode networks (the lif-mlp model, learning/surrogate-bptt.ts
 * and learning/spsa.ts): rest and reset 0, threshold 1 (so a surrogate slope β ≈ 10 suits it),
 * τm 10 ms, current synapses with τs 5 ms, no refractory period. Here, below learning/ and io/, so
 * that the trainer and the NIR export of a trained lif-mlp read the same parameters.
 */
import { LIF_DEFAULTS, type LifParams } from './lif.js';

export const UNIT_LIF: LifParams = { ...LIF_DEFAULTS, vRest: 0, vReset: 0, vThresh: 1, tauM: 10, synapse: 'current', tauExc: 5, tauInh: 5 };
