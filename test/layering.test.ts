/**
 * Layering: kernel memory and WebAssembly kernels live below the rules. Nothing above models/
 * (learning/, training/, cli/, report/, bench/, io/, datasets/) imports the WebAssembly modules,
 * the memory classes (engine/kernels/, models/kernels/), tensor mode's kernels (engine/tensor-kernels/)
 * or an embedded `*.wasm.js`; a rule gets its kernels from the projection it is attached to, and tensor
 * mode its fused ops from the registry engine/tensor-ops.ts (docs/architecture.md, "Kernels below the
 * rules"). Test files are not checked (they may build a kernel by hand to compare it with the JS loop).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli-bin.js';

const ABOVE_MODELS = ['learning', 'training', 'cli', 'report', 'bench', 'io', 'datasets'];
const BELOW = ['engine/kernels/', 'models/kernels/', 'engine/tensor-kernels/'];

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
    expect(importsOf(join(ROOT, 'models/kernels/device.ts'))).toContain('engine/kernels/kernel-sets.js');
    expect(importsOf(join(ROOT, 'engine/kernels/kernel-sets.ts'))).toContain('engine/kernels/wasm/plastic-fanout.wasm.js');
    expect(importsOf(join(ROOT, 'engine/tensor-ops.ts'))).toContain('engine/tensor-kernels/fused-lif.js');
    expect(importsOf(join(ROOT, 'engine/tensor-kernels/kernel-set.ts')).some(forbidden)).toBe(true);
    // tensor mode reaches its kernels through the registry only
    expect(importsOf(join(ROOT, 'learning/tensor/lif-tensor.ts'))).toContain('engine/tensor-ops.js');
    expect(importsOf(join(ROOT, 'learning/transforms/adam.ts'))).toContain('engine/tensor-ops.js');
  });

  it('no file above models/ imports WebAssembly modules, kernel memory or engine/kernels', () => {
    const offenders: string[] = [];
    for (const top of ABOVE_MODELS) {
      for (const file of sources(join(ROOT, top))) {
        const rel = relative(ROOT, file).split(sep).join('/');
        for (const target of importsOf(file)) if (forbidden(target)) offenders.push(`${rel} → ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
