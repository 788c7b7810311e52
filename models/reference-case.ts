/**
 * The Brian2 reference-case format (test/reference/README.md): a LIF layer driven by given
 * input spikes. `isReferenceCase` detects it by its fields; `referenceCaseToDescription` turns it
 * into an ordinary network description, so it runs through the same engine as everything else.
 */
import { z } from 'zod';
import { SnnError } from '../engine/errors.js';
import type { NetworkDescription } from './description.js';

const caseSchema = z.object({
  n_in: z.number().int().positive(),
  n_out: z.number().int().positive(),
  input_spikes: z.array(z.tuple([z.number().nonnegative(), z.number().int().nonnegative()])),
  weights: z.array(z.array(z.number())),
  params: z.object({
    dt: z.number().positive(),
    duration: z.number().positive(),
    tau_m: z.number().positive(),
    v_rest: z.number(),
    v_reset: z.number(),
    v_thresh: z.number(),
    refractory: z.number().nonnegative(),
    synapse: z.enum(['delta', 'exp']),
    tau_syn: z.number().positive().optional(),
    theta_plus: z.number().optional(),
    tau_theta: z.number().positive().nullable().optional(),
    method: z.enum(['exact', 'euler']).optional(),
    v_init: z.number().optional(),
  }),
});

export type ReferenceCase = z.infer<typeof caseSchema>;

export function isReferenceCase(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'n_in' in value && 'n_out' in value && 'input_spikes' in value && 'params' in value;
}

export function referenceCaseToDescription(value: unknown): NetworkDescription {
  const r = caseSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new SnnError('config.reference', `reference case: ${issue.path.join('.') || '(top level)'} ${issue.message}`, 'see docs/network-description.md (Brian2 reference cases) for the case format');
  }
  const c = r.data;
  const p = c.params;
  if (c.weights.length !== c.n_in || c.weights.some((row) => row.length !== c.n_out)) {
    throw new SnnError('config.reference', `reference case: weights must be ${c.n_in} × ${c.n_out}`, 'one row per input, one column per output neuron');
  }
  const exp = p.synapse === 'exp';
  return {
    name: 'reference-case',
    dt: p.dt,
    duration: p.duration,
    precision: 'f64',
    populations: [
      { name: 'input', model: 'spike-source-array', size: c.n_in, spikes: c.input_spikes },
      {
        name: 'output',
        model: 'lif',
        size: c.n_out,
        v0: p.v_init ?? p.v_rest,
        params: {
          tauM: p.tau_m,
          vRest: p.v_rest,
          vReset: p.v_reset,
          vThresh: p.v_thresh,
          refractory: p.refractory,
          synapse: exp ? 'current' : 'delta',
          method: p.method ?? 'exact',
          ...(exp ? { tauExc: p.tau_syn ?? 5, tauInh: p.tau_syn ?? 5 } : {}),
          thetaPlus: p.theta_plus ?? 0,
          tauTheta: p.tau_theta ?? null,
        },
      },
    ],
    projections: [{ name: 'input->output', from: 'input', to: 'output', channel: exp ? 'exc' : 'v', connectivity: 'dense', weights: c.weights, delay: 0 }],
    record: { spikes: ['output'] },
  };
}
