#!/usr/bin/env node
// Compiles learning/kernels/pair-stdp.wat into pair-stdp.wasm.ts (base64-embedded bytes), so the
// runtime needs neither wabt nor a file read. Run after editing the .wat:
//   node learning/kernels/build-pair-stdp-wasm.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const dir = dirname(fileURLToPath(import.meta.url));
const wabt = await wabtInit();
const mod = wabt.parseWat('pair-stdp.wat', readFileSync(join(dir, 'pair-stdp.wat'), 'utf8'), { simd: true });
mod.validate();
const bytes = Buffer.from(mod.toBinary({}).buffer);
mod.destroy();
writeFileSync(
  join(dir, 'pair-stdp.wasm.ts'),
  `// Generated from pair-stdp.wat by learning/kernels/build-pair-stdp-wasm.mjs (${bytes.length} bytes); do not edit.\n` +
    `export const PAIR_STDP_WASM_BASE64 = '${bytes.toString('base64')}';\n`,
);
console.log(`pair-stdp.wat → pair-stdp.wasm.ts (${bytes.length} bytes)`);
