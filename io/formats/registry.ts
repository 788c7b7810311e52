/**
 * The one registry of spike exporters/readers. Each format file exports a `SpikeFormat`;
 * `register-all.ts` adds the built-in ones. Lookups by name, by file extension, or by magic bytes.
 */
import { closest } from 'fastest-levenshtein';
import { SnnError } from '../../engine/errors.js';
import type { FormatOptions } from './format-options.js';
import type { SpikeData } from './spike-data.js';

export interface SpikeFormat {
  /** Lower-case name used by `--format`. */
  name: string;
  /** File extensions with the dot, e.g. ['.aedat4']; the first is the default. */
  extensions: readonly string[];
  /** One line for `snn export --help` and docs. */
  description: string;
  /** Writes atomically; throws SnnError('usage', …) for data the format cannot hold. */
  write(data: SpikeData, path: string, opts?: FormatOptions): Promise<void>;
  /** Reads what `write` produced (and, where stated, other producers' files). */
  read(path: string, opts?: FormatOptions): Promise<SpikeData>;
  /** True if the first bytes (up to 64) look like this format. */
  detect?(firstBytes: Uint8Array): boolean;
}

const formats = new Map<string, SpikeFormat>();

export function registerFormat(format: SpikeFormat): void {
  if (formats.has(format.name)) {
    throw new SnnError('internal', `export format '${format.name}' is registered twice`, 'register each format once');
  }
  formats.set(format.name, format);
}

export function formatNames(): string[] {
  return [...formats.keys()].sort();
}

export function getFormat(name: string): SpikeFormat {
  const f = formats.get(name.toLowerCase());
  if (f) return f;
  const known = formatNames();
  const near = known.length > 0 ? closest(name.toLowerCase(), known) : undefined;
  const suggestion = near ? `did you mean '${near}'? ` : '';
  throw new SnnError('usage', `unknown export format '${name}'`, `${suggestion}known formats: ${known.join(', ')}`);
}

/** The format whose extension `path` ends with (longest match wins: `.aedat4` before `.aedat`). */
export function formatForPath(path: string): SpikeFormat | undefined {
  const lower = path.toLowerCase();
  let best: SpikeFormat | undefined;
  let bestLen = 0;
  for (const f of formats.values()) {
    for (const ext of f.extensions) {
      if (lower.endsWith(ext) && ext.length > bestLen) {
        best = f;
        bestLen = ext.length;
      }
    }
  }
  return best;
}

/** Formats whose `detect` accepts these bytes. Several may match (npy: tonic and lava share a magic). */
export function detectFormats(firstBytes: Uint8Array): SpikeFormat[] {
  return [...formats.values()].filter((f) => f.detect?.(firstBytes) ?? false);
}
