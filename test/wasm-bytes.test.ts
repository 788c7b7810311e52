/**
 * Every embedded WebAssembly module (`X.wasm.ts`, base64) must be what its source `X.wat` compiles
 * to. The .wat files are found by walking the repository, not listed here, so a new kernel is
 * covered the day it is added. Regenerate after editing a .wat: `npm run build:wasm`
 * (engine/kernels/wasm) or the build script beside the .wat.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { ROOT } from './helpers/cli-bin.js';

const IGNORED = new Set(['node_modules', 'dist', '.test-dist', '.stryker-tmp', 'reports', '.git']);

function watFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (IGNORED.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) watFiles(p, out);
    else if (e.name.endsWith('.wat')) out.push(p);
  }
  return out;
}

describe('embedded WebAssembly modules', () => {
  const sources = watFiles(ROOT).sort();
  it('finds the .wat sources of the kernels', () => {
    const names = sources.map((f) => relative(ROOT, f));
    // a sanity floor: the engine's LIF kernels at least (the walk itself is what covers new ones)
    expect(names).toContain('engine/kernels/wasm/lif-kernels.wat');
  });
  for (const f of sources) {
    const name = relative(ROOT, f);
    it(`${name} matches its embedded bytes`, async () => {
      const embeddedFile = f.replace(/\.wat$/, '.wasm.ts');
      expect(existsSync(embeddedFile), `${name} has no ${relative(ROOT, embeddedFile)}`).toBe(true);
      const wabt = await wabtInit();
      const mod = wabt.parseWat(name, readFileSync(f, 'utf8'), { simd: true });
      let bytes: Buffer;
      try {
        mod.validate();
        bytes = Buffer.from(mod.toBinary({}).buffer);
      } finally {
        mod.destroy();
      }
      const exported = (await import(embeddedFile)) as Record<string, unknown>;
      const base64 = Object.entries(exported).filter(([k, v]) => k.endsWith('BASE64') && typeof v === 'string');
      expect(base64.map(([k]) => k), `${relative(ROOT, embeddedFile)} must export exactly one *BASE64 string`).toHaveLength(1);
      const embedded = Buffer.from(base64[0]![1] as string, 'base64');
      expect(embedded.equals(bytes), `${relative(ROOT, embeddedFile)} is out of date: regenerate it from ${name}`).toBe(true);
    });
  }
});
