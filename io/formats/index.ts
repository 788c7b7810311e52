/** Public API of the spike export/import formats (docs/formats.md). Registration lives in register-all.ts. */
export type { SpikeData, SpikePopulation, PopulationLayout } from './spike-data.js';
export { validateSpikeData, flattenSpikes } from './spike-data.js';
export type { FormatOptions, Polarity } from './format-options.js';
export type { SpikeFormat } from './registry.js';
export { registerFormat, getFormat, formatNames, formatForPath, detectFormats } from './registry.js';
export { registerBuiltinFormats, BUILTIN_FORMATS } from './register-all.js';
export { loadJsonSpikes, spikeDataFromJson } from './json-spikes-source.js';
export { decodeAedat2, encodeAedat2 } from './aedat2.js';
export { decodeAedat4, encodeAedat4 } from './aedat4.js';
export { readNirData, writeNirData } from './nirdata.js';
export { readNwb, writeNwb } from './nwb.js';
