/**
 * Hao et al. 2020 (docs/hao2020.md): sym-STDP on input→exc (unsupervised) and on exc→SL (driven by
 * the teacher's spikes); synaptic scaling of input→exc before every presentation and of exc→SL
 * before training ones; the exc thresholds adapt while the hidden layer learns.
 * Schedules: 'simultaneous' (everything from sample 0) or 'layerwise' (stage 1: the hidden layer
 * without a teacher; stage 2: hidden weights and θ frozen, exc→SL drawn afresh and trained).
 * Scaling comes first in the list: it acts before a presentation, STDP during it.
 */
import type { RecipeData } from '../recipe.js';

const trace = { tau: '$traceTau', aPre: '$traceIncrement', aPost: '$traceIncrement' };

export const hao2020Recipe: RecipeData = {
  model: 'hao2020',
  stages: {
    simultaneous: [{ name: 'all', teacher: true }],
    layerwise: [
      { name: 'hidden', teacher: false },
      { name: 'output', teacher: true, reinit: ['exc->sl'] },
    ],
  },
  rules: [
    { rule: 'synaptic-scaling', on: 'input->exc', options: { target: '$scaleInput', when: 'every' }, stages: ['all', 'hidden'] },
    { rule: 'synaptic-scaling', on: 'exc->sl', options: { target: '$scaleOutput', when: 'training' }, stages: ['all', 'output'] },
    { rule: 'sym-stdp', on: 'input->exc', options: { eta: '$etaInput', wMax: '$wMaxInput', ...trace }, stages: ['all', 'hidden'] },
    { rule: 'sym-stdp', on: 'exc->sl', options: { eta: '$etaOutput', wMax: '$wMaxOutput', ...trace }, stages: ['all', 'output'] },
    { rule: 'intrinsic-plasticity', on: 'exc', stages: ['all', 'hidden'] },
  ],
  protocol: { inputEncoding: 'hao', teacherRate: '$teacherRate' },
  readouts: { hidden: 'exc', supervised: 'sl' },
};
