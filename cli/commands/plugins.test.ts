/**
 * `snn plugins` lists exactly what the registries hold (one line per plugin), and `snn plugins NAME`
 * every option of that plugin with its default and unit.
 */
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { rules } from '../../learning/rules.js';
import { PLUGIN_REGISTRIES, pluginDetails, pluginList } from './plugins.js';

describe('snn plugins', () => {
  it('lists every registered plugin once, and nothing else', () => {
    const lines = pluginList().split('\n');
    const listed = lines.map((l) => {
      const kind = PLUGIN_REGISTRIES.map((r) => r.kind)
        .filter((k) => l.startsWith(`${k} `))
        .sort((a, b) => b.length - a.length)[0]!;
      return `${kind}/${l.slice(kind.length).trim().split(/\s+/)[0]}`;
    });
    const registered = PLUGIN_REGISTRIES.flatMap(({ kind, registry }) => registry.names().map((n) => `${kind}/${n}`));
    expect(listed.sort()).toEqual(registered.sort());
    for (const kind of ['rule', 'transform', 'sampler', 'model']) expect(registered.some((r) => r.startsWith(`${kind}/`))).toBe(true);
    expect(registered).toContain('rule/triplet-stdp');
  });

  it('shows each option of a rule with its default and unit', () => {
    const text = pluginDetails('triplet-stdp');
    const schema = rules.entry('triplet-stdp').options;
    for (const [k, spec] of Object.entries(schema)) {
      const line = text.split('\n').find((l) => l.trim().startsWith(`${k} `));
      expect(line, k).toBeDefined();
      expect(line).toContain(String(spec.default));
      if ('unit' in spec && spec.unit) expect(line).toContain(spec.unit);
      expect(line).toContain(spec.doc);
    }
  });

  it('an unknown name is refused with the nearest known one', () => {
    let e: unknown;
    try {
      pluginDetails('tripplet-stdp');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SnnError);
    expect((e as SnnError).hint).toMatch(/did you mean 'triplet-stdp'/);
  });
});
