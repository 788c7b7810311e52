/**
 * `snn plugins` lists every registered plugin, one line each, read from the registries themselves
 * (so it cannot drift from them); `snn plugins NAME` shows that plugin's options with defaults and
 * units.
 */
import type { Command } from 'commander';
import { samplers } from '../../datasets/sampler.js';
import { SnnError } from '../../engine/errors.js';
import { suggest, type OptionSpec, type Registry, type RegistryEntry } from '../../engine/registry.js';
import { batchRules } from '../../learning/batch-rules.js';
import { policies } from '../../learning/policies/registry.js';
import { rules } from '../../learning/rules.js';
import { surrogates } from '../../learning/surrogates.js';
import { transforms } from '../../learning/transforms/registry.js';
import { trainableModels } from '../../training/models.js';

/** Every plugin registry, under the heading `snn plugins` prints. */
export const PLUGIN_REGISTRIES: readonly { kind: string; registry: Registry<unknown> }[] = [
  { kind: 'rule', registry: rules as Registry<unknown> },
  { kind: 'batch rule', registry: batchRules as Registry<unknown> },
  { kind: 'transform', registry: transforms as Registry<unknown> },
  { kind: 'policy', registry: policies as Registry<unknown> },
  { kind: 'sampler', registry: samplers as Registry<unknown> },
  { kind: 'model', registry: trainableModels as Registry<unknown> },
  { kind: 'surrogate', registry: surrogates as Registry<unknown> },
];

/** One line per registered plugin: kind, name, summary. */
export function pluginList(): string {
  const rows = PLUGIN_REGISTRIES.flatMap(({ kind, registry }) => registry.list().map((e) => [kind, e.name, e.summary]));
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  return rows.map((r) => `${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2]}`.trimEnd()).join('\n');
}

function describeDefault(spec: OptionSpec): string {
  const d = spec.default === null ? 'none' : String(spec.default);
  const unit = 'unit' in spec && spec.unit ? ` ${spec.unit}` : '';
  const values = spec.type === 'enum' ? ` (${spec.values.join(' | ')})` : '';
  return `${d}${unit}${values}`;
}

/** A plugin's summary and options (name, type, default with unit, doc). Every registry holding NAME is shown. */
export function pluginDetails(name: string): string {
  const found: { kind: string; entry: RegistryEntry<unknown> }[] = [];
  for (const { kind, registry } of PLUGIN_REGISTRIES) if (registry.has(name)) found.push({ kind, entry: registry.entry(name) });
  if (found.length === 0) {
    const all = PLUGIN_REGISTRIES.flatMap(({ registry }) => registry.names());
    throw new SnnError('usage', `no plugin named '${name}'`, suggest(name, all, 'plugins'));
  }
  return found
    .map(({ kind, entry }) => {
      const opts = Object.entries(entry.options);
      const lines = [`${entry.name} (${kind}): ${entry.summary}`];
      if (opts.length === 0) lines.push('  no options');
      else {
        const rows = opts.map(([k, s]) => [k, s.type, describeDefault(s), s.doc]);
        const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
        for (const r of rows) lines.push(`  ${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]}`);
      }
      return lines.join('\n');
    })
    .join('\n\n');
}

export function registerPlugins(program: Command): void {
  program
    .command('plugins')
    .argument('[name]', 'a plugin to describe')
    .description('list the registered rules, update transforms, batch policies, samplers, trainable models and surrogates; with NAME, its options')
    .action((name: string | undefined) => {
      process.stdout.write(`${name === undefined ? pluginList() : pluginDetails(name)}\n`);
    });
}
