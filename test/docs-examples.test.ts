/**
 * Every network description shown in docs/ runs as written and fires spikes, and the LIF parameter
 * table in docs/network-description.md states the defaults the code uses.
 */
import { readFileSync, readdirSync } from 'node:fs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/recorder-sink.js';
import { buildNetwork, resolveSettings } from '../models/build-network.js';
import { parseDescription } from '../models/description.js';
import { LIF_DEFAULTS } from '../models/lif.js';

const DOCS = new URL('../docs/', import.meta.url);

function examples(): Array<{ file: string; k: number; value: unknown }> {
  const out: Array<{ file: string; k: number; value: unknown }> = [];
  for (const file of readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort()) {
    const text = readFileSync(new URL(file, DOCS), 'utf8');
    let k = 0;
    for (const m of text.matchAll(/```(json|yaml)\n([\s\S]*?)```/g)) {
      const value = m[1] === 'json' ? JSON.parse(m[2]!) : YAML.parse(m[2]!);
      if (value && typeof value === 'object' && 'populations' in value) out.push({ file, k: k++, value });
    }
  }
  return out;
}

describe('docs examples', () => {
  const found = examples();
  it('finds the network descriptions in docs/', () => {
    expect(found.length).toBeGreaterThanOrEqual(1);
  });
  for (const { file, k, value } of found) {
    it(`${file} example ${k + 1} runs and its LIF populations fire`, () => {
      const d = parseDescription(value, file);
      const net = buildNetwork(d, resolveSettings(d));
      const sink = new MemorySink();
      const lif = d.populations.filter((p) => p.model === 'lif').map((p) => p.name);
      for (const name of lif) net.recordSpikes(name, sink);
      net.run(Math.min(d.duration ?? 1000, 1000));
      net.flushRecorders();
      expect(lif.length).toBeGreaterThan(0);
      for (const name of lif) expect(sink.spikes(net.populationIndex(name)).ids.length, `${name} fires`).toBeGreaterThan(0);
    });
  }

  it('the LIF parameter table states the defaults of models/lif.ts', () => {
    const text = readFileSync(new URL('network-description.md', DOCS), 'utf8');
    const rows = new Map<string, string>();
    for (const m of text.matchAll(/^\| `(\w+)`(?:, `(\w+)`)? \| ([^|]*) \|/gm)) {
      const cells = m[3]!.split(',').map((c) => c.trim().replace(/`/g, '').replace('−', '-'));
      rows.set(m[1]!, cells[0]!);
      if (m[2]) rows.set(m[2], cells[1]!);
    }
    for (const [key, value] of Object.entries(LIF_DEFAULTS)) {
      expect(rows.has(key), `row for ${key}`).toBe(true);
      expect(rows.get(key), key).toBe(String(value));
    }
  });
});
