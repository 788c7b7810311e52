/** The identity transform: W ← W − η·U as the rule gave it (the baseline every wrapper is compared with). */
import type { FloatArray } from '../../engine/float-array.js';
import type { RuleState, UpdateTransform, WeightTensor } from '../plugin-contract.js';

export class Sgd implements UpdateTransform {
  readonly kind = 'sgd';
  transform(_index: number, update: FloatArray, _tensor: WeightTensor): FloatArray {
    return update;
  }
  saveState(): RuleState {
    return {};
  }
  loadState(_state: RuleState): void {}
}
