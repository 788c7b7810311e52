/**
 * Refuses a trainable network that cannot fit in memory before anything is allocated, with the
 * memory it would need, instead of failing deep inside the build with a RangeError.
 *
 * Every trainable model (training/models.ts) reads 28×28 images into N hidden neurons and reads
 * those out into 10 classes: its largest arrays are the 784·N input weights (and their delays),
 * so the estimate below is a lower bound that grows like the real footprint.
 */
import os from 'node:os';
import { SnnError } from '../engine/errors.js';

const INPUTS = 784;
const CLASSES = 10;
/** Per-neuron state and traces of the hidden layer, in values (generous). */
const STATE_VALUES = 32;
/** Largest typed array V8 allocates, in elements. */
const MAX_ARRAY_LENGTH = 2 ** 32;

/** Bytes a trainable model with `neurons` hidden neurons needs at least. */
export function trainingMemoryBytes(neurons: number, precision: 'f32' | 'f64'): number {
  const fb = precision === 'f32' ? 4 : 8;
  return neurons * (INPUTS * (fb + 2) + CLASSES * fb + STATE_VALUES * fb);
}

export function checkTrainingMemory(neurons: number, precision: 'f32' | 'f64', available = os.freemem()): void {
  const need = trainingMemoryBytes(neurons, precision);
  const gib = (b: number) => (b / 2 ** 30).toFixed(2);
  if (INPUTS * neurons > MAX_ARRAY_LENGTH) {
    throw new SnnError(
      'resource.memory',
      `${neurons} hidden neurons need about ${gib(need)} GiB, and their ${INPUTS}·${neurons} input weights exceed the largest array JavaScript allocates (${MAX_ARRAY_LENGTH} values)`,
      `use at most ${Math.floor(MAX_ARRAY_LENGTH / INPUTS)} neurons`,
    );
  }
  if (need > 0.9 * available) {
    throw new SnnError('resource.memory', `${neurons} hidden neurons need about ${gib(need)} GiB but only ${gib(available)} GiB of memory is available`, 'use fewer --neurons, or --precision f32');
  }
}
