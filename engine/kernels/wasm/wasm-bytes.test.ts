/**
 * The embedded wasm bytes (*.wasm.ts) must be what the .wat sources compile to: run
 * `npm run build:wasm` after editing a .wat.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';

const dir = new URL('./', import.meta.url);

describe('embedded WebAssembly modules', () => {
  const sources = readdirSync(dir).filter((f) => f.endsWith('.wat'));
  it('has sources', () => expect(sources.length).toBeGreaterThan(0));
  for (const f of sources) {
    it(`${f} matches its embedded bytes`, async () => {
      const wabt = await wabtInit();
      const mod = wabt.parseWat(f, readFileSync(new URL(f, dir), 'utf8'), { simd: true });
      mod.validate();
      const bytes = Buffer.from(mod.toBinary({}).buffer);
      mod.destroy();
      const embedded = (await import(`./${f.replace(/\.wat$/, '.wasm.js')}`)) as { WASM_BASE64: string };
      expect(Buffer.from(embedded.WASM_BASE64, 'base64').equals(bytes)).toBe(true);
    });
  }
});
