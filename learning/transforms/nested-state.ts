/** A nested plugin's saved state kept inside its owner's, under a key prefix (LAMB's Adam, a chain's transforms). */
import type { RuleState } from '../plugin-contract.js';

export function prefixState(prefix: string, s: RuleState): RuleState {
  const out: RuleState = {};
  for (const [k, v] of Object.entries(s)) out[prefix + k] = v;
  return out;
}

export function unprefixState(prefix: string, s: RuleState): RuleState {
  const out: RuleState = {};
  for (const [k, v] of Object.entries(s)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}
