/**
 * Diehl & Cook 2015 (docs/diehl-cook-2015.md), the rules of the authors' script: pair STDP on
 * input→exc, synaptic scaling of input→exc to 78 before every training presentation, θ adaptation
 * of the exc neurons while training. No supervision layer: the readout is the assignment vote.
 * Input: Poisson at pixel/8 × intensity Hz.
 */
import type { RecipeData } from '../recipe.js';

export const diehlCook2015Recipe: RecipeData = {
  model: 'diehl-cook-2015',
  stages: [{ name: 'hidden', teacher: false }],
  rules: [
    { rule: 'synaptic-scaling', on: 'input->exc', options: { target: '$scaleInput', when: 'training' } },
    {
      rule: 'pair-stdp',
      on: 'input->exc',
      options: { nuPre: '$nuPre', nuPost: '$nuPost', tauPre: '$tauPre', tauPost1: '$tauPost1', tauPost2: '$tauPost2', wMax: '$wMax' },
    },
    { rule: 'intrinsic-plasticity', on: 'exc' },
  ],
  protocol: { inputEncoding: 'poisson', teacherRate: 0 },
  readouts: { hidden: 'exc', supervised: null },
};
