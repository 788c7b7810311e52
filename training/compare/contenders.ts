/**
 * What `snn compare` compares: contenders from `--rules 'a;b;c' --on PROJ` (one rule each on that
 * projection; for a batch-rule model such as lif-mlp, `--rules 'surrogate-bptt;spsa'` without --on), from `--recipes a.yaml,b.yaml` (one whole recipe each), or free ones from
 * `--contender 'NAME=--set KEY=VALUE --rule R ...'`. Everything a contender does not say comes
 * from the shared options, so contenders differ only in what they name.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SnnError } from '../../engine/errors.js';
import { parsePluginSpec } from '../../engine/registry.js';
import { rules as ruleRegistry } from '../../learning/rules.js';
import { resolveBatchRule } from '../batch-trainer.js';
import { isBatchModel } from '../models.js';

export interface Contender {
  name: string;
  model: string;
  rules: string[];
  recipe: unknown | null;
  set: Record<string, string>;
  sampler: string | null;
  transforms: string[];
  policy: string | null;
}

export interface ContenderSources {
  model: string;
  /** `--rules 'a;b;c'`, each placed on the projection `on`. */
  rules?: string;
  on?: string;
  /** `--recipes a.yaml,b.yaml`. */
  recipes?: string;
  /** `--contender 'NAME=OPTIONS'`, repeatable. */
  contenders?: string[];
  /** Shared by every contender unless it overrides them. */
  set?: Record<string, string>;
  sampler?: string | null;
  transforms?: string[];
  policy?: string | null;
}

const PROJECTION = /^[A-Za-z_][\w-]*->[A-Za-z_][\w-]*$/;
const NAME = /^[A-Za-z0-9][^\s|"`]*$/;

/** A rule name must be registered; its options are checked by the trainer that builds it. */
function checkRule(spec: string, flag: string): void {
  const { name } = parsePluginSpec(spec, `rule in ${flag}`);
  ruleRegistry.entry(name);
}

/**
 * A batch-rule model (lif-mlp) trains its whole network with one rule: `--rules` names batch rules
 * and takes no `--on`.
 */
function parseBatchRules(model: string, list: string, on: string | undefined): string[] {
  if (on !== undefined) throw new SnnError('usage', `--on does not apply to ${model}: its batch rule trains the whole network`, "omit --on, e.g. --rules 'surrogate-bptt;spsa'");
  const items = list.split(';').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new SnnError('usage', `bad --rules '${list}': an empty rule between ';'`, "separate rules by single ';', e.g. 'surrogate-bptt;spsa'");
  for (const r of items) resolveBatchRule(model, [r]);
  return items;
}

function parseRules(list: string, on: string | undefined): string[] {
  if (on === undefined) throw new SnnError('usage', '--rules needs --on PROJECTION', "e.g. --rules 'sym-stdp;pair-stdp' --on input->exc");
  if (!PROJECTION.test(on)) throw new SnnError('usage', `bad --on '${on}': expected a projection PRE->POST`, 'e.g. --on input->exc');
  const items = list.split(';').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new SnnError('usage', `bad --rules '${list}': an empty rule between ';'`, "separate rules by single ';', e.g. 'sym-stdp;pair-stdp'");
  for (const r of items) checkRule(r, '--rules');
  return items;
}

function readRecipe(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SnnError('io.missing', `cannot read recipe ${path}`, 'check the path given to --recipes');
  }
  try {
    return /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new SnnError('config.parse', `recipe ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`, 'fix the file');
  }
}

/** `NAME=--set K=V --rule R --model M --sampler S --transform T --policy P --recipe FILE`. */
function parseFree(text: string, base: Contender): Contender {
  const eq = text.indexOf('=');
  const name = text.slice(0, Math.max(0, eq)).trim();
  if (eq <= 0 || !/^[A-Za-z0-9][\w.+-]*$/.test(name)) {
    throw new SnnError('usage', `bad --contender '${text}': expected NAME=OPTIONS`, "e.g. --contender 'slow=--set etaInput=0.001'");
  }
  const c: Contender = { ...base, name, set: { ...base.set }, rules: [], transforms: [...base.transforms] };
  const tokens = text.slice(eq + 1).trim().split(/\s+/).filter(Boolean);
  let transformsGiven = false;
  for (let i = 0; i < tokens.length; i += 2) {
    const flag = tokens[i]!;
    const value = tokens[i + 1];
    if (value === undefined || value.startsWith('--')) throw new SnnError('usage', `bad --contender '${text}': ${flag} needs a value`, 'options are --set K=V, --rule R, --model M, --sampler S, --transform T, --policy P, --recipe FILE');
    switch (flag) {
      case '--set': {
        const m = /^([A-Za-z][\w]*)=(.*)$/.exec(value);
        if (!m) throw new SnnError('usage', `bad --contender '${text}': --set ${value} is not KEY=VALUE`, 'e.g. --set etaInput=0.001');
        c.set[m[1]!] = m[2]!;
        break;
      }
      case '--rule': {
        if (isBatchModel(c.model)) {
          resolveBatchRule(c.model, [value]);
          c.rules.push(value);
          break;
        }
        const at = value.indexOf('=');
        if (at <= 0 || !PROJECTION.test(value.slice(0, at))) throw new SnnError('usage', `bad --contender '${text}': --rule ${value} is not PROJ=RULE`, 'e.g. --rule input->exc=pair-stdp');
        checkRule(value.slice(at + 1), '--contender');
        c.rules.push(value);
        break;
      }
      case '--model':
        c.model = value;
        break;
      case '--sampler':
        c.sampler = value;
        break;
      case '--transform':
        if (!transformsGiven) c.transforms = [];
        transformsGiven = true;
        c.transforms.push(value);
        break;
      case '--policy':
        c.policy = value;
        break;
      case '--recipe':
        c.recipe = readRecipe(value);
        break;
      default:
        throw new SnnError('usage', `bad --contender '${text}': unknown option '${flag}'`, 'options are --set K=V, --rule R, --model M, --sampler S, --transform T, --policy P, --recipe FILE');
    }
  }
  return c;
}

export function parseContenders(src: ContenderSources): Contender[] {
  const base: Contender = {
    name: '',
    model: src.model,
    rules: [],
    recipe: null,
    set: { ...(src.set ?? {}) },
    sampler: src.sampler ?? null,
    transforms: [...(src.transforms ?? [])],
    policy: src.policy ?? null,
  };
  const out: Contender[] = [];
  if (src.on !== undefined && src.rules === undefined) throw new SnnError('usage', '--on is only used with --rules', "e.g. --rules 'sym-stdp;pair-stdp' --on input->exc");
  if (src.rules !== undefined && isBatchModel(src.model)) {
    for (const r of parseBatchRules(src.model, src.rules, src.on)) out.push({ ...base, name: r, rules: [r] });
  } else if (src.rules !== undefined) {
    for (const r of parseRules(src.rules, src.on)) out.push({ ...base, name: r, rules: [`${src.on}=${r}`] });
  }
  if (src.recipes !== undefined) {
    const files = src.recipes.split(',').map((s) => s.trim());
    if (files.some((f) => f === '')) throw new SnnError('usage', `bad --recipes '${src.recipes}': an empty file name`, 'separate recipe files by commas');
    for (const f of files) out.push({ ...base, name: basename(f, extname(f)), recipe: readRecipe(f) });
  }
  for (const text of src.contenders ?? []) out.push(parseFree(text, base));
  if (out.length === 0) throw new SnnError('usage', 'nothing to compare', "give --rules 'a;b' --on PROJ, --recipes a.yaml,b.yaml or --contender 'NAME=OPTIONS'");
  const seen = new Set<string>();
  for (const c of out) {
    if (!NAME.test(c.name)) throw new SnnError('usage', `contender name '${c.name}' cannot be used in tables`, 'names start with a letter or digit and hold no spaces, | or quotes');
    if (seen.has(c.name)) throw new SnnError('usage', `two contenders are named '${c.name}'`, 'give every contender its own name');
    seen.add(c.name);
  }
  return out;
}
