/**
 * Registers the built-in spike formats (side effect; import once, e.g. from the CLI).
 * Kept apart from registry.ts so the registry itself stays free of import-order effects.
 */
import { aedat2Format } from './aedat2.js';
import { aedat4Format } from './aedat4.js';
import { csvFormat } from './csv.js';
import { lavaFormat } from './lava.js';
import { nirDataFormat } from './nirdata.js';
import { npyFormat } from './npy-events.js';
import { nwbFormat } from './nwb.js';
import { formatNames, registerFormat } from './registry.js';
import { spikeSourceArrayFormat } from './spike-source-array.js';

export const BUILTIN_FORMATS = [aedat2Format, aedat4Format, npyFormat, nwbFormat, nirDataFormat, spikeSourceArrayFormat, lavaFormat, csvFormat];

/** Idempotent: safe to call from several entry points. */
export function registerBuiltinFormats(): void {
  const known = new Set(formatNames());
  for (const f of BUILTIN_FORMATS) if (!known.has(f.name)) registerFormat(f);
}
