/**
 * NIR graph → snn network description (the inverse of nir-from-network.ts, and a reader of other
 * tools' files for the primitives snn can run).
 *
 * Populations: Input → spike-source-array (no spikes: drive it with `snn import --into`), LIF / IF
 * → LIF with delta synapses, CubaLIF → LIF with current synapses (τexc = τinh = tau_syn), LIF fed by
 * LI nodes with v_leak = 0 → LIF with current synapses whose channels are those LI filters (at most
 * two time constants), LI / CubaLI whose output only reaches Output nodes → a LIF that never fires
 * (threshold 1e308) with its v recorded. Connections: every path population → (Linear | Affine |
 * Scale | Delay)* → population becomes one projection whose weight is the product along the path,
 * times the neuron's input gain (see `gain` below). Output nodes name the populations to record.
 *
 * Units: our files say `time_unit: s` in metadata; other files are taken as seconds when every time
 * constant and delay is < 1, else as ms (a note says which). Voltages are taken as mV as they stand.
 * Parameters that snn keeps once per population (τ, v_leak, v_reset, v_threshold) must be equal
 * across a node's neurons; r, w_in and weights may differ per neuron (they fold into the weights).
 */
import { SnnError } from '../../engine/errors.js';
import { parseDescription, type NetworkDescription, type PopulationDescription, type ProjectionDescription } from '../../models/description.js';
import type { NirGraph, NirNode, NirTensor } from './nir-graph.js';
import { readNirGraph } from './nir-graph.js';
import { SNN_NIR_MARK } from './nir-from-network.js';
import { secondsToMsExact } from './nir-units.js';

export interface NirImportOptions {
  /**
   * Spike convention of time-stepped exporters (snnTorch: r = τ/dt): a spike is 1 for one step of
   * this many ms, so a weight w moves v by r·w·dt/τ instead of the continuous r·w/τ.
   */
  spikeStepMs?: number;
  /** Force the time unit of the file instead of detecting it. */
  timeUnit?: 's' | 'ms';
  /**
   * Largest number of populations one NIR node may be split into when its per-population
   * parameters (τ, v_leak, v_threshold, v_reset) differ across neurons. Default 1: refuse.
   */
  splitMax?: number;
}

export interface NirImport {
  description: NetworkDescription;
  /** How the file was interpreted (units, defaults taken); print them for the user. */
  notes: string[];
}

export const NIR_IMPORTABLE = ['Input', 'Output', 'Affine', 'Linear', 'Scale', 'Delay', 'LIF', 'CubaLIF', 'IF', 'LI', 'CubaLI'];

const NEURONS = new Set(['LIF', 'CubaLIF', 'IF', 'LI', 'CubaLI']);
const CHAIN = new Set(['Linear', 'Affine', 'Scale', 'Delay']);
const NEVER_FIRES = 1e308;

function fail(message: string, hint: string): never {
  throw new SnnError('io.format', message, hint);
}

/** The single value of a per-neuron parameter (snn keeps one per population). */
function uniform(id: string, node: NirNode, name: string): number {
  const t = node.params[name];
  if (!t || t.data.length === 0) fail(`NIR node '${id}' (${node.type}) has no parameter '${name}'`, 'the file does not follow the NIR primitives');
  const x = t.data[0]!;
  for (let i = 1; i < t.data.length; i++) {
    if (t.data[i] !== x) {
      fail(`NIR node '${id}' has different ${name} values across its neurons; an snn population has one ${name}`, 'split the node into groups of equal parameters (per-neuron r, w_in and weights are fine)');
    }
  }
  if (!Number.isFinite(x)) fail(`NIR node '${id}' has a non-finite ${name}`, 'the file is damaged');
  return x;
}

function param(id: string, node: NirNode, name: string, n: number, fallback?: number): Float64Array {
  const t = node.params[name];
  if (!t) {
    if (fallback !== undefined) return new Float64Array(n).fill(fallback);
    fail(`NIR node '${id}' (${node.type}) has no parameter '${name}'`, 'the file does not follow the NIR primitives');
  }
  if (t.data.length === 1 && n > 1) return new Float64Array(n).fill(t.data[0]!);
  if (t.data.length !== n) fail(`NIR node '${id}' parameter '${name}' has ${t.data.length} values for ${n} neurons`, 'the file is inconsistent');
  for (const x of t.data) if (!Number.isFinite(x)) fail(`NIR node '${id}' has a non-finite ${name}`, 'the file is damaged');
  return t.data;
}

function sizeOf(id: string, node: NirNode): number {
  let n: number;
  if (node.type === 'Input' || node.type === 'Output') {
    const s = node.params['shape'];
    if (!s) fail(`NIR node '${id}' (${node.type}) has no shape`, 'the file does not follow the NIR primitives');
    n = s.data.reduce((a, b) => a * b, 1);
  } else {
    const key = node.type === 'CubaLIF' || node.type === 'CubaLI' ? 'tau_mem' : node.type === 'IF' ? 'v_threshold' : 'tau';
    const t = node.params[key];
    if (!t) fail(`NIR node '${id}' (${node.type}) has no parameter '${key}'`, 'the file does not follow the NIR primitives');
    n = t.data.length;
  }
  if (!Number.isInteger(n) || n < 1 || n > 0x7fffffff) fail(`NIR node '${id}' has an invalid size ${n}`, 'the file is damaged');
  return n;
}

interface Connection {
  from: string;
  to: string;
  /** LI filter the path ends in (current input), or null (spikes straight into the neuron). */
  filter: string | null;
  name: string;
  /** [post × pre] */
  weight: Float64Array;
  bias: Float64Array | null;
  delay: number;
  /** Input gain of the neuron for this path (set when the path ends in an LI filter). */
  gain?: Float64Array;
}

export function nirToDescription(graph: NirGraph, opts: NirImportOptions = {}): NirImport {
  const notes: string[] = [];
  const nodes = graph.nodes;
  const meta = graph.metadata;
  const ours = meta['snn_format'] === SNN_NIR_MARK;
  for (const [id, n] of Object.entries(nodes)) {
    if (!NIR_IMPORTABLE.includes(n.type)) {
      fail(`NIR node '${id}' has type '${n.type}', which snn cannot import`, `supported: ${NIR_IMPORTABLE.join(', ')}`);
    }
  }
  const out = new Map<string, string[]>();
  const inn = new Map<string, string[]>();
  for (const id of Object.keys(nodes)) {
    out.set(id, []);
    inn.set(id, []);
  }
  for (const [a, b] of graph.edges) {
    out.get(a)!.push(b);
    inn.get(b)!.push(a);
  }

  // ---- time unit ----
  let seconds: boolean;
  const declared = opts.timeUnit ?? (meta['time_unit'] === 's' || meta['time_unit'] === 'ms' ? (meta['time_unit'] as 's' | 'ms') : undefined);
  if (declared) seconds = declared === 's';
  else {
    let max = 0;
    for (const n of Object.values(nodes)) for (const k of ['tau', 'tau_mem', 'tau_syn', 'delay']) for (const x of n.params[k]?.data ?? []) max = Math.max(max, Math.abs(x));
    seconds = max < 1;
    notes.push(`time unit not declared: time constants and delays taken as ${seconds ? 'seconds (all < 1)' : 'ms (some ≥ 1)'}`);
  }
  const toMs = (x: number) => (seconds ? secondsToMsExact(x) : x);
  const step = opts.spikeStepMs === undefined ? null : seconds ? opts.spikeStepMs / 1000 : opts.spikeStepMs;
  if (!ours && step === null) notes.push('spikes taken as unit-area impulses (continuous NIR); for snnTorch-style files (r = tau/dt) pass --spike-step DT_MS');

  // ---- classify ----
  /** LI nodes that filter input into one LIF/IF neuron node (synaptic currents). */
  const filterOf = new Map<string, string>();
  for (const [id, n] of Object.entries(nodes)) {
    if (n.type !== 'LI') continue;
    const targets = out.get(id)!;
    if (targets.length === 1 && (nodes[targets[0]!]!.type === 'LIF' || nodes[targets[0]!]!.type === 'IF')) {
      if (sizeOf(id, n) !== sizeOf(targets[0]!, nodes[targets[0]!]!)) fail(`NIR node '${id}' (LI) has ${sizeOf(id, n)} values but feeds '${targets[0]}' of ${sizeOf(targets[0]!, nodes[targets[0]!]!)} neurons`, 'an LI feeding a LIF must match its size');
      const leak = param(id, n, 'v_leak', sizeOf(id, n));
      if (leak.some((x) => x !== 0)) fail(`NIR node '${id}' (LI into '${targets[0]}') has v_leak ≠ 0`, 'snn reads an LI feeding a LIF as a synaptic current, which decays to 0');
      filterOf.set(id, targets[0]!);
    } else if (!targets.every((t) => nodes[t]!.type === 'Output')) {
      fail(`NIR node '${id}' (LI) sends a continuous value to '${targets.find((t) => nodes[t]!.type !== 'Output')}'`, 'snn populations exchange spikes: an LI may only feed one LIF/IF (as its synaptic current) or Output nodes');
    }
  }
  for (const [id, n] of Object.entries(nodes)) {
    if (n.type === 'CubaLI' && !out.get(id)!.every((t) => nodes[t]!.type === 'Output')) {
      fail(`NIR node '${id}' (CubaLI) sends a continuous value to another node`, 'a CubaLI can only be read out (edges to Output nodes)');
    }
  }
  const isPopulation = (id: string) => nodes[id]!.type === 'Input' || (NEURONS.has(nodes[id]!.type) && !filterOf.has(id));

  // ---- names ----
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const id of Object.keys(nodes)) {
    const base = id.replace(/[^A-Za-z0-9_.:>#-]/g, '_') || 'node';
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    if (name !== id) notes.push(`node '${id}' renamed '${name}'`);
    used.add(name);
    names.set(id, name);
  }

  // ---- paths: population → chain* → neuron / filter / Output ----
  const connections: Connection[] = [];
  const recorded = new Set<string>();
  let sawOutput = false;
  for (const src of Object.keys(nodes).filter(isPopulation)) {
    const n0 = sizeOf(src, nodes[src]!);
    const walk = (id: string, M: Float64Array | null, rows: number, bias: Float64Array | null, delay: number, name: string | null, depth: number): void => {
      if (depth > 16) fail(`NIR graph: the path from '${src}' passes through more than 16 nodes without reaching a neuron`, 'check the graph for cycles of Linear/Scale/Delay nodes');
      const node = nodes[id]!;
      const t = node.type;
      if (t === 'Output') {
        sawOutput = true;
        if (M !== null || delay !== 0) notes.push(`edge into Output '${id}' passes through weights or delays: ignored (snn records spikes)`);
        else recorded.add(src);
        return;
      }
      if (t === 'Input') fail(`NIR node '${id}' (Input) has an incoming edge`, 'Input nodes mark where the graph starts');
      if (NEURONS.has(t)) {
        const target = filterOf.get(id) ?? id;
        const post = sizeOf(id, node);
        if (rows !== post) fail(`NIR edge into '${id}' carries ${rows} values but the node has ${post} neurons`, 'the weight shapes do not match the neuron counts');
        let W = M;
        if (W === null) {
          W = new Float64Array(post * n0);
          for (let i = 0; i < post; i++) W[i * n0 + i] = 1;
        }
        connections.push({ from: src, to: target, filter: filterOf.has(id) ? id : null, name: name ?? `${names.get(src)}->${names.get(target)}`, weight: W, bias, delay });
        return;
      }
      let nextM = M;
      let nextRows = rows;
      let nextBias = bias;
      let nextDelay = delay;
      if (t === 'Linear' || t === 'Affine') {
        const w = node.params['weight'];
        if (!w || w.shape.length !== 2) fail(`NIR node '${id}' (${t}) needs a 2-D weight`, 'snn imports dense Linear/Affine layers (out, in)');
        const [o, i] = w.shape as [number, number];
        if (i !== rows) fail(`NIR node '${id}' weight is (${o}, ${i}) but its input carries ${rows} values`, 'the weight shapes do not match the neuron counts');
        nextM = matmul(w.data, o, i, M, n0);
        nextRows = o;
        const b = t === 'Affine' ? node.params['bias'] : undefined;
        nextBias = bias === null ? null : matvec(w.data, o, i, bias);
        if (b && b.data.some((x) => x !== 0)) {
          if (b.data.length !== o) fail(`NIR node '${id}' bias has ${b.data.length} values for ${o} outputs`, 'the file is inconsistent');
          nextBias ??= new Float64Array(o);
          for (let k = 0; k < o; k++) nextBias[k]! += b.data[k]!;
        }
        name ??= id;
      } else if (t === 'Scale') {
        const s = param(id, node, 'scale', rows);
        nextM = new Float64Array(rows * n0);
        for (let r = 0; r < rows; r++) for (let c = 0; c < n0; c++) nextM[r * n0 + c] = s[r]! * (M === null ? (r === c ? 1 : 0) : M[r * n0 + c]!);
        if (bias) nextBias = bias.map((x, r) => x * s[r]!);
      } else if (t === 'Delay') {
        nextDelay = delay + toMs(uniform(id, node, 'delay'));
      }
      for (const next of out.get(id)!) walk(next, nextM, nextRows, nextBias, nextDelay, name, depth + 1);
    };
    for (const next of out.get(src)!) walk(next, null, n0, null, 0, null, 0);
  }
  // Projections in the order of their first Linear/Affine node (ours: the original projection order,
  // which fixes the order in which spikes add into a neuron's input and so the float rounding).
  const order = new Map(Object.keys(nodes).map((id, k) => [id, k]));
  connections.sort((a, b) => (order.get(a.name) ?? Infinity) - (order.get(b.name) ?? Infinity));
  // Chain nodes no population reaches are dropped with a note.
  for (const [id, n] of Object.entries(nodes)) if (CHAIN.has(n.type) && inn.get(id)!.length === 0) notes.push(`node '${id}' (${n.type}) has no input: ignored`);

  // ---- populations ----
  // A neuron node becomes one population, or — when its per-population parameters differ across
  // neurons and `splitMax` allows — one population per group of equal parameters (`name#k`).
  const populations: PopulationDescription[] = [];
  interface Group {
    name: string;
    idx: number[];
    channelOf: (c: Connection) => 'v' | 'exc' | 'inh';
  }
  const groupsOf = new Map<string, Group[]>();
  /** Input gain per neuron (r/τ for LIF, ...), over the whole node. */
  const gains = new Map<string, Float64Array>();
  const stateRecords: { population: string; variables: string[] }[] = [];
  const splitMax = opts.splitMax ?? 1;
  for (const id of Object.keys(nodes).filter(isPopulation)) {
    const node = nodes[id]!;
    const name = names.get(id)!;
    const n = sizeOf(id, node);
    const all = Array.from({ length: n }, (_, i) => i);
    const m = node.metadata ?? {};
    if (node.type === 'Input') {
      let restored: PopulationDescription | null = null;
      if (ours && typeof m['snn_population'] === 'string') {
        try {
          const p = JSON.parse(m['snn_population']) as PopulationDescription;
          if (p && p.name === name && p.size === n) restored = p;
        } catch {
          restored = null;
        }
      }
      populations.push(restored ?? { name, model: 'spike-source-array', size: n, spikes: [] });
      if (!restored) notes.push(`Input '${id}' becomes an empty spike-source-array '${name}' of ${n} neurons (fill it: snn import REC --into NET.json --population ${name})`);
      groupsOf.set(id, [{ name, idx: all, channelOf: () => 'v' }]);
      continue;
    }
    const t = node.type;
    const incoming = connections.filter((c) => c.to === id);
    const filters = [...new Set(incoming.map((c) => c.filter).filter((f): f is string => f !== null))];
    if (filters.length > 0 && t !== 'LIF' && t !== 'LI') fail(`NIR node '${id}' (${t}) has LI-filtered input`, 'snn supports LI filters into LIF nodes only');
    if (filters.length > 0 && incoming.some((c) => c.filter === null)) fail(`NIR node '${id}' receives both spikes and LI-filtered currents`, 'snn neurons take either delta or current input');
    const P = (k: string, fallback?: number) => param(id, node, k, n, fallback);
    const tauName = t === 'CubaLIF' || t === 'CubaLI' ? 'tau_mem' : 'tau';
    const keyNames = [...(t === 'IF' ? [] : [tauName, 'v_leak']), ...(t === 'CubaLIF' || t === 'CubaLI' ? ['tau_syn'] : []), ...(t === 'LIF' || t === 'IF' || t === 'CubaLIF' ? ['v_threshold'] : [])];
    const keyArrays = keyNames.map((k) => P(k));
    if ((t === 'LIF' || t === 'IF' || t === 'CubaLIF') && node.params['v_reset']) {
      keyNames.push('v_reset');
      keyArrays.push(P('v_reset'));
    }
    for (const f of filters) {
      keyNames.push(`tau of '${f}'`);
      keyArrays.push(param(f, nodes[f]!, 'tau', n));
    }
    // Constant input (Affine bias) into a delta neuron shifts its resting potential by r·b.
    const shift = new Float64Array(n);
    for (const c of incoming) {
      if (!c.bias) continue;
      if (filters.length > 0 || t === 'IF' || t === 'CubaLIF' || t === 'CubaLI') fail(`NIR node '${id}' receives an Affine bias`, 'snn takes a constant drive only into LIF neurons without synaptic currents');
      const r = P('r');
      for (let i = 0; i < n; i++) shift[i]! += r[i]! * c.bias[i]!;
    }
    if (shift.some((x) => x !== 0)) {
      keyNames.push('Affine bias');
      keyArrays.push(shift);
    }
    const byKey = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const key = keyArrays.map((a) => a[i]).join(',');
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = []));
      g.push(i);
    }
    if (byKey.size > splitMax) {
      const varying = keyNames.find((_, k) => keyArrays[k]!.some((x) => x !== keyArrays[k]![0])) ?? keyNames[0];
      fail(
        `NIR node '${id}' has different ${varying} values across its neurons (${byKey.size} groups); an snn population has one ${varying}`,
        `pass --split-max ${byKey.size} (snn import) to make one population per group of equal parameters; per-neuron r, w_in and weights are fine`,
      );
    }
    if (byKey.size > 1) notes.push(`node '${id}' split into ${byKey.size} populations ${name}#0…${name}#${byKey.size - 1} of equal parameters`);
    const r = P('r');
    let gain: Float64Array;
    if (t === 'LIF' || t === 'LI') {
      const tau = P('tau');
      if (filters.length === 0) gain = r.map((ri, i) => (step === null ? ri : ri * step) / tau[i]!);
      else {
        gain = r;
        const filterGain = new Map(
          filters.map((f) => {
            const rl = param(f, nodes[f]!, 'r', n);
            const tl = param(f, nodes[f]!, 'tau', n);
            return [f, rl.map((x, i) => ((step === null ? x : x * step) * r[i]!) / tl[i]!)];
          }),
        );
        for (const c of incoming) c.gain = filterGain.get(c.filter!)!;
      }
    } else if (t === 'IF') gain = r.map((ri) => (step === null ? ri : ri * step));
    else {
      const wIn = P('w_in', 1);
      const tauSyn = P('tau_syn');
      gain = r.map((ri, i) => ((step === null ? ri : ri * step) * wIn[i]!) / tauSyn[i]!);
    }
    gains.set(id, gain);
    const groups: Group[] = [];
    [...byKey.values()].forEach((idx, k) => {
      const gname = byKey.size === 1 ? name : `${name}#${k}`;
      const at = (a: Float64Array) => a[idx[0]!]!;
      const params: Record<string, unknown> = {};
      let channelOf: (c: Connection) => 'v' | 'exc' | 'inh' = () => 'v';
      if (t === 'LIF' || t === 'LI') {
        const tau = at(P('tau'));
        if (!(tau > 0)) fail(`NIR node '${id}' has tau ${tau}; snn needs a positive membrane time constant`, 'use IF for a non-leaky neuron');
        params['tauM'] = toMs(tau);
        params['vRest'] = at(P('v_leak')) + at(shift);
        if (filters.length === 0) params['synapse'] = 'delta';
        else {
          params['synapse'] = 'current';
          const chan = new Map<string, 'exc' | 'inh'>();
          const tauOf = new Map<'exc' | 'inh', number>();
          for (const f of filters) {
            const ft = at(param(f, nodes[f]!, 'tau', n));
            if (!(ft > 0)) fail(`NIR node '${f}' has tau ${ft}`, 'synaptic time constants must be positive');
            const want = nodes[f]!.metadata?.['snn_channel'];
            let c: 'exc' | 'inh' | undefined = ours && (want === 'exc' || want === 'inh') ? want : undefined;
            if (c === undefined) c = [...tauOf.entries()].find(([, v]) => v === ft)?.[0] ?? (tauOf.has('exc') ? 'inh' : 'exc');
            if (tauOf.has(c) && tauOf.get(c) !== ft) fail(`NIR node '${id}' has synaptic filters with more than two time constants`, 'snn neurons have two synaptic currents (exc, inh)');
            tauOf.set(c, ft);
            chan.set(f, c);
          }
          const te = tauOf.get('exc') ?? tauOf.get('inh')!;
          params['tauExc'] = toMs(te);
          params['tauInh'] = toMs(tauOf.get('inh') ?? te);
          channelOf = (c) => chan.get(c.filter!)!;
        }
      } else if (t === 'IF') {
        params['synapse'] = 'delta';
        params['tauM'] = 1e300; // no leak: e^{−dt/τ} is exactly 1 in float64
      } else {
        const tauMem = at(P('tau_mem'));
        const tauSyn = at(P('tau_syn'));
        if (!(tauMem > 0) || !(tauSyn > 0)) fail(`NIR node '${id}' has a non-positive time constant`, 'snn needs positive tau_mem and tau_syn');
        params['synapse'] = 'current';
        params['tauM'] = toMs(tauMem);
        params['tauExc'] = toMs(tauSyn);
        params['tauInh'] = toMs(tauSyn);
        params['vRest'] = at(P('v_leak'));
        channelOf = (c) => {
          const lin = nodes[c.name]?.metadata?.['snn_channel'];
          return ours && (lin === 'exc' || lin === 'inh') ? lin : 'exc';
        };
      }
      if (t === 'LIF' || t === 'IF' || t === 'CubaLIF') {
        params['vThresh'] = at(P('v_threshold'));
        params['vReset'] = node.params['v_reset'] ? at(P('v_reset')) : 0;
        if (t === 'IF') params['vRest'] = params['vReset'];
      } else {
        params['vThresh'] = NEVER_FIRES;
        params['vReset'] = params['vRest'];
        stateRecords.push({ population: gname, variables: ['v'] });
      }
      if (ours) {
        if (typeof m['snn_refractory_ms'] === 'number') params['refractory'] = m['snn_refractory_ms'];
        if (m['snn_method'] === 'exact' || m['snn_method'] === 'euler') params['method'] = m['snn_method'];
        if (typeof m['snn_v_min'] === 'number') params['vMin'] = m['snn_v_min'];
        if (typeof m['snn_theta'] === 'string') restoreTheta(params, m['snn_theta'], (note) => notes.push(`node '${id}': ${note}`));
      }
      const pop: PopulationDescription = { name: gname, model: 'lif', size: idx.length, params: params as never };
      if (ours && typeof m['snn_v0'] === 'string') {
        try {
          const v0 = JSON.parse(m['snn_v0']) as unknown;
          (pop as { v0?: unknown }).v0 = Array.isArray(v0) && v0.length === n ? idx.map((i) => v0[i] as number) : v0;
        } catch {
          notes.push(`node '${id}': unreadable snn_v0 metadata ignored`);
        }
      }
      populations.push(pop);
      groups.push({ name: gname, idx, channelOf });
    });
    if (t === 'IF') notes.push(`IF '${id}' becomes a LIF with tauM = 1e300 ms (no leak)`);
    groupsOf.set(id, groups);
  }

  // ---- projections ----
  const projections: ProjectionDescription[] = [];
  const projNames = new Set<string>();
  for (const c of connections) {
    const gain = c.gain ?? gains.get(c.to);
    const targets = groupsOf.get(c.to);
    const sources = groupsOf.get(c.from);
    if (!gain || !targets || !sources) continue;
    const preN = sizeOf(c.from, nodes[c.from]!);
    const base = c.name.replace(/[^A-Za-z0-9_.:>#-]/g, '_');
    for (const gs of sources) {
      for (const gt of targets) {
        const pre = gs.idx.length;
        const post = gt.idx.length;
        const W = new Float64Array(pre * post);
        let any = false;
        for (let a = 0; a < post; a++) {
          const j = gt.idx[a]!;
          for (let b = 0; b < pre; b++) {
            const x = c.weight[j * preN + gs.idx[b]!]! * gain[j]!;
            W[a * pre + b] = x;
            any ||= x !== 0;
          }
        }
        if (!any && (sources.length > 1 || targets.length > 1)) continue;
        let name = sources.length > 1 || targets.length > 1 ? `${base}:${gs.name}>${gt.name}` : base;
        for (let k = 2; projNames.has(name); k++) name = `${base}#${k}`;
        projNames.add(name);
        const pr: ProjectionDescription = { name, from: gs.name, to: gt.name, channel: gt.channelOf(c), ...connectivityOf(W, pre, post, ours && meta['snn_mode'] === 'exact') };
        if (c.delay !== 0) pr.delay = c.delay;
        projections.push(pr);
      }
    }
  }

  // ---- top level ----
  const desc: Record<string, unknown> = {};
  if (ours) {
    if (typeof meta['snn_name'] === 'string') desc['name'] = meta['snn_name'];
    if (typeof meta['snn_dt_ms'] === 'number') desc['dt'] = meta['snn_dt_ms'];
    if (typeof meta['snn_duration_ms'] === 'number') desc['duration'] = meta['snn_duration_ms'];
    if (typeof meta['snn_seed'] === 'number') desc['seed'] = meta['snn_seed'];
    if (meta['snn_mode'] === 'clock' || meta['snn_mode'] === 'exact') desc['mode'] = meta['snn_mode'];
    if (meta['snn_precision'] === 'f32' || meta['snn_precision'] === 'f64') desc['precision'] = meta['snn_precision'];
  } else if (typeof meta['dt'] === 'number' && meta['dt'] > 0) {
    desc['dt'] = toMs(meta['dt']);
    notes.push(`dt = ${desc['dt']} ms from the file's metadata`);
  }
  desc['populations'] = populations;
  desc['projections'] = projections;
  desc['record'] = {
    spikes: sawOutput ? [...recorded].flatMap((id) => (groupsOf.get(id) ?? []).map((g) => g.name)) : true,
    ...(stateRecords.length ? { state: stateRecords } : {}),
  };
  return { description: parseDescription(desc, 'NIR import'), notes };
}

/** M' = W · M, with M = identity when null; W is (o × i), M is (i × n). */
function matmul(W: Float64Array, o: number, i: number, M: Float64Array | null, n: number): Float64Array {
  if (M === null) return Float64Array.from(W);
  const out = new Float64Array(o * n);
  for (let r = 0; r < o; r++) {
    for (let k = 0; k < i; k++) {
      const w = W[r * i + k]!;
      if (w === 0) continue;
      for (let c = 0; c < n; c++) out[r * n + c]! += w * M[k * n + c]!;
    }
  }
  return out;
}

function matvec(W: Float64Array, o: number, i: number, v: Float64Array): Float64Array {
  const out = new Float64Array(o);
  for (let r = 0; r < o; r++) for (let k = 0; k < i; k++) out[r]! += W[r * i + k]! * v[k]!;
  return out;
}

/** The most compact connectivity holding W ([post × pre]) exactly. */
function connectivityOf(W: Float64Array, pre: number, post: number, matrixWeights: boolean): Pick<ProjectionDescription, 'connectivity' | 'weights'> {
  let nonzero = 0;
  for (const x of W) if (x !== 0) nonzero++;
  const at = (i: number, j: number) => W[j * pre + i]!;
  if (pre === post && pre > 1) {
    let diagOnly = true;
    let allButSelf = true;
    const w0 = at(1, 0);
    for (let i = 0; i < pre && (diagOnly || allButSelf); i++) {
      for (let j = 0; j < post; j++) {
        const x = at(i, j);
        if (i === j) allButSelf &&= x === 0;
        else {
          diagOnly &&= x === 0;
          allButSelf &&= x === w0 && x !== 0;
        }
      }
    }
    if (allButSelf) return { connectivity: 'all-but-self', weights: w0 };
    if (diagOnly && nonzero === pre) return { connectivity: 'one-to-one', weights: Array.from({ length: pre }, (_, i) => at(i, i)) };
  }
  if (nonzero === W.length) return { connectivity: 'dense', weights: Array.from({ length: pre }, (_, i) => Array.from({ length: post }, (_, j) => at(i, j))) };
  const pairs: [number, number][] = [];
  const weights: number[] = [];
  for (let i = 0; i < pre; i++) {
    for (let j = 0; j < post; j++) {
      const x = at(i, j);
      if (x !== 0) {
        pairs.push([i, j]);
        weights.push(x);
      }
    }
  }
  // Exact mode takes sparse weights only as a [pre][post] matrix (entries of existing synapses).
  if (matrixWeights) return { connectivity: { pairs }, weights: Array.from({ length: pre }, (_, i) => Array.from({ length: post }, (_, j) => at(i, j))) };
  return { connectivity: { pairs }, weights };
}

/** Reads a NIR file and maps it to a network description (see nirToDescription). */
export async function readNir(path: string, opts: NirImportOptions = {}): Promise<NirImport> {
  const { graph } = await readNirGraph(path);
  return nirToDescription(graph, opts);
}

export type { NirTensor };

/**
 * The adaptive threshold of our own export (metadata snn_theta): NIR's v_threshold holds the
 * frozen vThresh + thetaInit − thetaOffset, so vThresh is that minus the restored θ part.
 */
function restoreTheta(params: Record<string, unknown>, json: string, note: (s: string) => void): void {
  let t: Record<string, unknown>;
  try {
    t = JSON.parse(json) as Record<string, unknown>;
  } catch {
    note('unreadable snn_theta metadata ignored (threshold stays frozen)');
    return;
  }
  const num = (k: string) => typeof t[k] === 'number' && Number.isFinite(t[k]);
  if (!num('thetaPlus') || !num('thetaInit') || !num('thetaOffset') || !(t['tauTheta'] === null || num('tauTheta')) || (t['thetaJump'] !== 'additive' && t['thetaJump'] !== 'hao2020')) {
    note('malformed snn_theta metadata ignored (threshold stays frozen)');
    return;
  }
  const thetaInit = t['thetaInit'] as number;
  const thetaOffset = t['thetaOffset'] as number;
  params['vThresh'] = (params['vThresh'] as number) - thetaInit + thetaOffset;
  params['thetaPlus'] = t['thetaPlus'];
  params['tauTheta'] = t['tauTheta'];
  params['thetaInit'] = thetaInit;
  params['thetaOffset'] = thetaOffset;
  params['thetaJump'] = t['thetaJump'];
}
