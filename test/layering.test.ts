/**
 * Layering: kernel memory and WebAssembly kernels live below the rules. Nothing above models/
 * (learning/, training/, cli/, report/, bench/, io/, datasets/) imports the WebAssembly modules,
 * the memory classes (engine/kernels/, models/kernels/) or an embedded `*.wasm.js`; a rule gets its
 * kernels from the projection it is attached to (docs/architecture.md, "Kernels below the rules").
 *
 * One exception, by design: tensor mode (learning/tensor/) registers its own tfjs kernels on
 * WebAssembly memory of its own — they work on tfjs tensors, not on the network's memory.
 * Test files are not checked (they may build a kernel by hand to compare it with the JS loop).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli-bin.js';

const ABOVE_MODELS = ['learning', 'training', 'cli', 'report', 'bench', 'io', 'datasets'];
const EXEMPT = ['learning/tensor/'];
const BELOW = ['engine/kernels/', 'models/kernels/'];

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.(ts|mts|mjs|js)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The repository paths `file` imports (relative specifiers only, resolved; `.js` as written). */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*\(?\s*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(dirname(file), s)).split(sep).join('/'));
}

function forbidden(target: string): boolean {
  return BELOW.some((b) => target.startsWith(b)) || target.endsWith('.wasm.js');
}

describe('layering: kernels below the rules', () => {
  it('the import scan sees the imports of models/ that are allowed there (a check of the scan itself)', () => {
    expect(importsOf(join(ROOT, 'models/projection.ts'))).toContain('models/kernels/arrival-walk.js');
    expect(importsOf(join(ROOT, 'models/kernels/device.ts'))).toContain('engine/kernels/wasm/plastic-fanout.wasm.js');
    expect(importsOf(join(ROOT, 'learning/tensor/fused-lif.ts')).some(forbidden)).toBe(true);
  });

  it('no file above models/ imports WebAssembly modules, kernel memory or engine/kernels', () => {
    const offenders: string[] = [];
    for (const top of ABOVE_MODELS) {
      for (const file of sources(join(ROOT, top))) {
        const rel = relative(ROOT, file).split(sep).join('/');
        if (EXEMPT.some((e) => rel.startsWith(e))) continue;
        for (const target of importsOf(file)) if (forbidden(target)) offenders.push(`${rel} → ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
