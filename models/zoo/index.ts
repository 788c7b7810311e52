/**
 * The model zoo: the registry plus the built-in models. Add a model with one `registerModel` line.
 */
import { cubaDescription, CUBA_SUMMARY } from './cuba.js';
import { registerModel } from './registry.js';

export { buildZooModel, getModel, isZooReference, loadZooModel, modelNames, registerModel, type ModelFactory, type ZooBuildOptions, type ZooEntry } from './registry.js';
export { cubaDescription, CUBA } from './cuba.js';

registerModel('cuba', (o) => cubaDescription(o), CUBA_SUMMARY);
