/**
 * NIR (Neuromorphic Intermediate Representation) model export and import, format name `nir`
 * (docs/formats.md § nir). A model format, not a spike format: it is not in the spike registry.
 *
 *   exportDescriptionNir(desc, path)   network description → .nir (exact for delta/current LIF)
 *   exportTrainedModelNir(run, path)   hao2020 / diehl-cook-2015 model.snnmodel → .nir (approximation)
 *   readNir(path)                      .nir → network description (+ notes on how it was read)
 *   readNirGraph / writeNirGraph       the HDF5 layer (nir-graph.ts)
 */
import type { NetworkDescription } from '../../models/description.js';
import { descriptionToNirSpec } from './nir-from-description.js';
import { networkSpecToNir } from './nir-from-network.js';
import { writeNirGraph } from './nir-graph.js';
import { loadTrainedModel, trainedModelToNirSpec, type TrainedModelFile } from './nir-trained-model.js';

export { readNirGraph, writeNirGraph, type NirGraph, type NirNode, type NirTensor } from './nir-graph.js';
export { readNir, nirToDescription, NIR_IMPORTABLE, type NirImport, type NirImportOptions } from './nir-to-description.js';
export { loadTrainedModel, trainedModelToNirSpec, type TrainedModelFile } from './nir-trained-model.js';
export { networkSpecToNir, SNN_NIR_MARK } from './nir-from-network.js';

export interface NirExportResult {
  nodes: number;
  edges: number;
  /** What the NIR file cannot hold (also in its metadata `snn_lossy`). */
  lossy: string[];
}

export async function exportDescriptionNir(desc: NetworkDescription, path: string): Promise<NirExportResult> {
  const { spec, lossy } = descriptionToNirSpec(desc);
  const graph = networkSpecToNir(spec);
  await writeNirGraph(graph, path);
  return { nodes: Object.keys(graph.nodes).length, edges: graph.edges.length, lossy };
}

export async function exportTrainedModelNir(model: string | TrainedModelFile, path: string): Promise<NirExportResult> {
  const m = typeof model === 'string' ? loadTrainedModel(model) : model;
  const { spec, lossy } = trainedModelToNirSpec(m);
  const graph = networkSpecToNir(spec);
  await writeNirGraph(graph, path);
  return { nodes: Object.keys(graph.nodes).length, edges: graph.edges.length, lossy };
}
