/**
 * A population of LIF neurons (see lif.ts for the equations and parameters).
 *
 * The per-step work is split into the schedule's phases so that the order is Brian2's:
 * integrate → threshold (spike at t = n·dt) → deliver this step's input → reset.
 * Refractoriness: neuron i is refractory in step n iff n − lastSpike[i] < refractorySteps; while
 * refractory v is frozen (synaptic variables and θ still evolve) and delta input is dropped, also in
 * the step it fired.
 *
 * Kernels: built with the kernel device of a network on the `wasm` backend (models/kernels/device.ts),
 * a float64 population that is current-based with exact integration or conductance-based with
 * forward Euler keeps v, ge, gi, θ, lastSpike, its spike ids and its input rings in one WebAssembly
 * memory from that device, and integrate / threshold / deliver run as SIMD kernels
 * (engine/kernels/wasm-lif.ts) that give bit-identical results to the loops below; every other
 * configuration, and a population built without a device, runs the loops.
 */
import { allocFloat, type FloatArray, type Precision } from '../engine/float-array.js';
import type { InputRing } from '../engine/input-ring.js';
import { SpikeBuffer } from '../engine/spike-buffer.js';
import { SnnError } from '../engine/errors.js';
import type { WasmLifKernels } from '../engine/kernels/wasm-lif.js';
import type { KernelDevice } from './kernels/device.js';
import { lifChannels, prepareLif, type LifParams, type LifPropagators } from './lif.js';
import type { Population } from './population.js';

const NEVER = -0x40000000;

export interface LifPopulationOptions {
  /**
   * The kernel device of the network this population is built for (`net.kernels`): its memory and
   * kernels come from there. Absent: plain typed arrays and the JS loops.
   */
  kernels?: KernelDevice;
  /**
   * With the wasm backend: bytes reserved in the population's WebAssembly memory for learning
   * kernels that work on it (WasmLifKernels.allocExtra), e.g. a plastic projection's weights.
   */
  wasmExtraBytes?: number;
}

export class LifPopulation implements Population {
  readonly kind = 'lif';
  readonly spikes: SpikeBuffer;
  readonly channels: readonly string[];
  readonly v: FloatArray;
  /** Excitatory / inhibitory synaptic variable (current or conductance); empty for delta. */
  readonly ge: FloatArray;
  readonly gi: FloatArray;
  /** Dynamic threshold: always float64 (its slow decay vanishes in float32, performance.md §3.5). */
  readonly theta: Float64Array;
  readonly lastSpike: Int32Array;
  /** When false, θ neither decays nor jumps (frozen at test time by learning rules). */
  thetaPlastic = true;
  readonly prop: LifPropagators;
  private ringV: InputRing | null = null;
  private ringE: InputRing | null = null;
  private ringI: InputRing | null = null;
  private readonly initialV: Float64Array;
  /** SIMD kernels and the memory that holds this population's state, or null (plain loops). */
  private readonly wasm: WasmLifKernels | null;
  /** The kernel device this population was built with (its network's), or null. */
  readonly kernels: KernelDevice | null;
  /** Byte offsets of the exc / inh rings in the wasm memory (−1: ordinary ring, JS delivery). */
  private ringPtrE = -1;
  private ringPtrI = -1;
  /**
   * Step whose threshold test the fused wasm kernel already ran during integrate (its spikes wait in
   * `wasm.pending` until the threshold phase commits them), or −1. Fusing is exact because nothing
   * between this population's integrate and threshold phases changes its v, θ or lastSpike (vMin
   * clamping and θ decay, which would, disable it).
   */
  private pendingStep = -1;
  private pendingCount = 0;

  constructor(
    readonly name: string,
    readonly size: number,
    readonly params: LifParams,
    dt: number,
    precision: Precision,
    initialV: Float64Array | number,
    options: LifPopulationOptions = {},
  ) {
    this.prop = prepareLif(params, dt);
    this.channels = lifChannels(params.synapse);
    const kernelled = (params.synapse === 'current' && params.method === 'exact') || (params.synapse === 'conductance' && params.method === 'euler');
    const device = (this.kernels = options.kernels ?? null);
    const useWasm = precision === 'f64' && kernelled && size > 0 && device !== null;
    const wasm = (this.wasm = useWasm ? device.lifMemory(size, options.wasmExtraBytes ?? 0) : null);
    if (wasm !== null) {
      this.spikes = new SpikeBuffer(size, wasm.ids);
      this.v = wasm.v;
      this.ge = wasm.ge;
      this.gi = wasm.gi;
      this.theta = wasm.theta;
      this.lastSpike = wasm.lastSpike;
    } else {
      this.spikes = new SpikeBuffer(size);
      this.v = allocFloat(precision, size);
      const synSize = params.synapse === 'delta' ? 0 : size;
      this.ge = allocFloat(precision, synSize);
      this.gi = allocFloat(precision, synSize);
      this.theta = new Float64Array(size);
      this.lastSpike = new Int32Array(size);
    }
    this.initialV = typeof initialV === 'number' ? new Float64Array(size).fill(initialV) : initialV;
    this.resetState();
  }

  /**
   * The WebAssembly memory and kernels that hold this population's state and rings, or null (plain
   * loops). A plastic projection's kernel memory may be carved out of it
   * (models/kernels/plastic-memory.ts) so that its kernels write straight into this population's ring slots.
   */
  get wasmKernels(): WasmLifKernels | null {
    return this.wasm;
  }

  resetState(): void {
    this.v.set(this.initialV);
    this.ge.fill(0);
    this.gi.fill(0);
    this.theta.fill(this.params.thetaInit);
    this.lastSpike.fill(NEVER);
    this.spikes.count = 0;
    this.pendingStep = -1;
  }

  /** The wasm backend keeps the exc / inh rings in this population's memory (when they fit). */
  ringStorage(channel: string, length: number): FloatArray | null {
    if (this.wasm === null || (channel !== 'exc' && channel !== 'inh')) return null;
    const r = this.wasm.ringBuffer(channel === 'exc' ? 0 : 1, length / this.size);
    if (r === null) return null;
    if (channel === 'exc') this.ringPtrE = r.ptr;
    else this.ringPtrI = r.ptr;
    return r.buffer;
  }

  /** The touched lists of the exc / inh rings, in the same memory (the sparse kernels use them). */
  touchedStorage(channel: string, length: number): Int32Array | null {
    if (this.wasm === null || (channel !== 'exc' && channel !== 'inh')) return null;
    return this.wasm.touchedBuffer(channel === 'exc' ? 0 : 1, length / this.size);
  }

  attachInput(channel: string, ring: InputRing): void {
    if (channel === 'v' && this.params.synapse === 'delta') this.ringV = ring;
    else if (channel === 'exc' && this.params.synapse !== 'delta') this.ringE = ring;
    else if (channel === 'inh' && this.params.synapse !== 'delta') this.ringI = ring;
    else
      throw new SnnError(
        'config.invalid',
        `population '${this.name}' (synapse '${this.params.synapse}') has no input channel '${channel}'`,
        `use one of: ${this.channels.join(', ')}`,
      );
  }

  stateVariables(): Record<string, FloatArray> {
    const vars: Record<string, FloatArray> = { v: this.v, theta: this.theta };
    if (this.params.synapse !== 'delta') {
      vars.ge = this.ge;
      vars.gi = this.gi;
    }
    return vars;
  }

  integrate(step: number): void {
    const p = this.params;
    const q = this.prop;
    const n = this.size;
    const v = this.v;
    const last = this.lastSpike;
    const refSteps = q.refractorySteps;
    if (p.synapse === 'delta') {
      if (p.method === 'exact') {
        const eM = q.eM;
        const c = q.vConst;
        for (let i = 0; i < n; i++) if (step - last[i]! >= refSteps) v[i] = v[i]! * eM + c;
      } else {
        const a = q.dt / p.tauM;
        const vInf = p.vRest + p.iBias;
        for (let i = 0; i < n; i++) if (step - last[i]! >= refSteps) v[i] = v[i]! + a * (vInf - v[i]!);
      }
    } else if (p.synapse === 'current') {
      const ge = this.ge;
      const gi = this.gi;
      if (this.wasm !== null) {
        const w = this.wasm;
        const thetaMoves = q.adaptive && this.thetaPlastic && p.tauTheta !== null;
        if (p.vMin === null && !q.adaptive) {
          // No θ: one threshold for all, eight neurons per iteration.
          const k = w.consts;
          k[0] = q.eM;
          k[1] = q.eE;
          k[2] = q.eI;
          k[3] = q.kE;
          k[4] = q.kI;
          k[5] = q.vConst;
          k[6] = p.vThresh - p.thetaOffset;
          this.pendingCount = w.k.integrateCurrentExactThresholdFixed(n, step, refSteps, w.pv, w.pge, w.pgi, w.plast, w.ppending, w.pconst);
          this.pendingStep = step;
          return;
        }
        if (p.vMin === null && !thetaMoves) {
          const base = p.vThresh - p.thetaOffset;
          this.pendingCount = w.k.integrateCurrentExactThreshold(n, step, refSteps, w.pv, w.pge, w.pgi, w.plast, w.ptheta, w.ppending, q.eM, q.eE, q.eI, q.kE, q.kI, q.vConst, base);
          this.pendingStep = step;
          return;
        }
        w.k.integrateCurrentExact(n, step, refSteps, w.pv, w.pge, w.pgi, w.plast, q.eM, q.eE, q.eI, q.kE, q.kI, q.vConst);
      } else if (p.method === 'exact') {
        const { eM, eE, eI, kE, kI, vConst } = q;
        for (let i = 0; i < n; i++) {
          const ie = ge[i]!;
          const ii = gi[i]!;
          if (step - last[i]! >= refSteps) v[i] = ie * kE + ii * kI + v[i]! * eM + vConst;
          ge[i] = ie * eE;
          gi[i] = ii * eI;
        }
      } else {
        const dt = q.dt;
        const vInf = p.vRest + p.iBias;
        const aE = dt / p.tauExc;
        const aI = dt / p.tauInh;
        for (let i = 0; i < n; i++) {
          const ie = ge[i]!;
          const ii = gi[i]!;
          if (step - last[i]! >= refSteps) v[i] = v[i]! + (dt * (vInf - v[i]! + ie + ii)) / p.tauM;
          ge[i] = ie - aE * ie;
          gi[i] = ii - aI * ii;
        }
      }
    } else if (this.wasm !== null) {
      // Conductance Euler: integrate, vMin clamp, θ decay and the threshold test in one SIMD pass
      // (the spikes are committed in the threshold phase, as for the fused current kernel).
      const w = this.wasm;
      const thetaMode = q.adaptive && this.thetaPlastic && p.tauTheta !== null ? (p.method === 'exact' ? 1 : 2) : 0;
      const kTheta = thetaMode === 1 ? q.eTheta : thetaMode === 2 ? q.dt / p.tauTheta! : 0;
      this.pendingCount = w.k.integrateCondEulerThreshold(
        n, step, refSteps, w.pv, w.pge, w.pgi, w.plast, q.adaptive ? w.ptheta : w.pzero, w.ppending,
        q.dt / p.tauM, p.vRest + p.iBias, p.eExc, p.eInh, q.eE, q.eI, p.vMin ?? -Infinity, thetaMode, kTheta, p.vThresh - p.thetaOffset,
      );
      this.pendingStep = step;
      return;
    } else {
      this.integrateConductance(step);
    }
    if (p.vMin !== null) {
      const lo = p.vMin;
      for (let i = 0; i < n; i++) if (v[i]! < lo) v[i] = lo;
    }
    if (q.adaptive && this.thetaPlastic && p.tauTheta !== null) {
      const th = this.theta;
      if (p.method === 'exact') {
        const e = q.eTheta;
        for (let i = 0; i < n; i++) th[i] = th[i]! * e;
      } else {
        const a = q.dt / p.tauTheta;
        for (let i = 0; i < n; i++) th[i] = th[i]! - a * th[i]!;
      }
    }
  }

  private integrateConductance(step: number): void {
    const p = this.params;
    const q = this.prop;
    const n = this.size;
    const v = this.v;
    const ge = this.ge;
    const gi = this.gi;
    const last = this.lastSpike;
    const refSteps = q.refractorySteps;
    const { eE, eI, dt } = q;
    const vLeak = p.vRest + p.iBias;
    const eExc = p.eExc;
    const eInh = p.eInh;
    // Conductances underflow into float64 subnormals (100× slower) when they decay for long:
    // flush them to zero below this level (performance.md §3.5).
    const FLUSH = 1e-30;
    if (p.method === 'euler') {
      const a = dt / p.tauM;
      for (let i = 0; i < n; i++) {
        const gE = ge[i]!;
        const gI = gi[i]!;
        if (step - last[i]! >= refSteps) {
          const vi = v[i]!;
          v[i] = vi + a * (vLeak - vi + gE * (eExc - vi) + gI * (eInh - vi));
        }
        const nE = gE * eE;
        const nI = gI * eI;
        ge[i] = nE > FLUSH ? nE : 0;
        gi[i] = nI > FLUSH ? nI : 0;
      }
    } else {
      const b = -dt / p.tauM;
      for (let i = 0; i < n; i++) {
        const gE = ge[i]!;
        const gI = gi[i]!;
        if (step - last[i]! >= refSteps) {
          const gTot = 1 + gE + gI;
          const vInf = (vLeak + gE * eExc + gI * eInh) / gTot;
          v[i] = vInf + (v[i]! - vInf) * Math.exp(b * gTot);
        }
        const nE = gE * eE;
        const nI = gI * eI;
        ge[i] = nE > FLUSH ? nE : 0;
        gi[i] = nI > FLUSH ? nI : 0;
      }
    }
  }

  threshold(step: number): void {
    const p = this.params;
    const n = this.size;
    const v = this.v;
    const th = this.theta;
    const last = this.lastSpike;
    const refSteps = this.prop.refractorySteps;
    const base = p.vThresh - p.thetaOffset;
    if (this.wasm !== null) {
      const w = this.wasm;
      if (this.pendingStep === step) {
        this.pendingStep = -1;
        const count = this.pendingCount;
        const pending = w.pending;
        const ids = this.spikes.ids;
        for (let k = 0; k < count; k++) {
          const i = pending[k]!;
          ids[k] = i;
          last[i] = step;
        }
        this.spikes.count = count;
        return;
      }
      this.spikes.count = w.k.threshold(n, step, refSteps, w.pv, this.prop.adaptive ? w.ptheta : w.pzero, w.plast, w.pids, base);
      return;
    }
    const ids = this.spikes.ids;
    let count = 0;
    if (!this.prop.adaptive) {
      // No θ (thetaPlus = thetaInit = 0): the threshold is the same for every neuron.
      for (let i = 0; i < n; i++) {
        if (v[i]! > base && step - last[i]! >= refSteps) {
          ids[count++] = i;
          last[i] = step;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (v[i]! > base + th[i]! && step - last[i]! >= refSteps) {
          ids[count++] = i;
          last[i] = step;
        }
      }
    }
    this.spikes.count = count;
  }

  deliver(step: number): void {
    const n = this.size;
    if (this.ringV !== null && this.ringV.take(step)) {
      const ring = this.ringV;
      const buf = ring.buffer;
      const off = ring.offset(step);
      const v = this.v;
      const last = this.lastSpike;
      const refSteps = this.prop.refractorySteps;
      const touched = ring.touched;
      if (touched !== null) {
        // Only the neurons written into this slot (same per-neuron arithmetic as the scan below).
        const slot = off / n;
        const count = ring.touchedCount![slot]!;
        for (let k = 0; k < count; k++) {
          const i = touched[off + k]!;
          const x = buf[off + i]!;
          if (x !== 0) {
            if (step - last[i]! >= refSteps && last[i] !== step) v[i] = v[i]! + x;
            buf[off + i] = 0;
          }
        }
        ring.touchedCount![slot] = 0;
      } else for (let i = 0; i < n; i++) {
        const x = buf[off + i]!;
        if (x !== 0) {
          // Delta input into a refractory neuron (or one that fired in this step) is lost.
          if (step - last[i]! >= refSteps && last[i] !== step) v[i] = v[i]! + x;
          buf[off + i] = 0;
        }
      }
    }
    // Channels whose slot nobody wrote since the last delivery are skipped (InputRing.take).
    const ringE = this.ringE !== null && this.ringE.take(step) ? this.ringE : null;
    const ringI = this.ringI !== null && this.ringI.take(step) ? this.ringI : null;
    const w = this.wasm;
    if (ringE !== null && ringI !== null && ringE.touched === null && ringI.touched === null && this.ringPtrE >= 0 && this.ringPtrI >= 0) {
      w!.k.addAndZero2(n, this.ringPtrE + 8 * ringE.offset(step), w!.pge, this.ringPtrI + 8 * ringI.offset(step), w!.pgi);
      return;
    }
    if (ringE !== null) {
      if (ringE.touched !== null) this.deliverTouched(ringE, step, this.ge, this.ringPtrE, w?.pge ?? -1);
      else if (this.ringPtrE >= 0) w!.k.addAndZero(n, this.ringPtrE + 8 * ringE.offset(step), w!.pge);
      else addAndZero(ringE, step, this.ge, n);
    }
    if (ringI !== null) {
      if (ringI.touched !== null) this.deliverTouched(ringI, step, this.gi, this.ringPtrI, w?.pgi ?? -1);
      else if (this.ringPtrI >= 0) w!.k.addAndZero(n, this.ringPtrI + 8 * ringI.offset(step), w!.pgi);
      else addAndZero(ringI, step, this.gi, n);
    }
  }

  /**
   * Delivery of a tracked ring: the wasm kernel when the ring (at byte offset `ringPtr`) and its
   * touched lists live in this population's memory, else the JS loop (the same additions).
   */
  private deliverTouched(ring: InputRing, step: number, target: FloatArray, ringPtr: number, pTarget: number): void {
    const w = this.wasm;
    if (w !== null && ringPtr >= 0 && w.holds(ring.touched)) {
      const off = ring.offset(step);
      const slot = off / ring.size;
      const counts = ring.touchedCount!;
      const count = counts[slot]!;
      if (count > 0) w.sparse.addTouchedAndZero(ring.touched!.byteOffset + 4 * off, count, ringPtr + 8 * off, pTarget);
      counts[slot] = 0;
      return;
    }
    addTouchedAndZero(ring, step, target);
  }

  reset(_step: number): void {
    const p = this.params;
    const { ids, count } = this.spikes;
    const v = this.v;
    for (let k = 0; k < count; k++) v[ids[k]!] = p.vReset;
    if (this.prop.adaptive && this.thetaPlastic) {
      const th = this.theta;
      if (p.thetaJump === 'additive') {
        for (let k = 0; k < count; k++) th[ids[k]!] = th[ids[k]!]! + p.thetaPlus;
      } else {
        for (let k = 0; k < count; k++) {
          const i = ids[k]!;
          th[i] = th[i]! + (p.thetaPlus * 10) / Math.abs(th[i]! - 10);
        }
      }
    }
  }
}

/** Delivery of a tracked ring: only the neurons listed for this slot (engine/input-ring.ts). */
function addTouchedAndZero(ring: InputRing, step: number, target: FloatArray): void {
  const buf = ring.buffer;
  const off = ring.offset(step);
  const touched = ring.touched;
  if (touched === null) {
    addAndZero(ring, step, target, ring.size);
    return;
  }
  const slot = off / ring.size;
  const count = ring.touchedCount![slot]!;
  for (let k = 0; k < count; k++) {
    const i = touched[off + k]!;
    const o = off + i;
    const x = buf[o]!;
    if (x !== 0) {
      target[i] = target[i]! + x;
      buf[o] = 0;
    }
  }
  ring.touchedCount![slot] = 0;
}

function addAndZero(ring: InputRing, step: number, target: FloatArray, n: number): void {
  const buf = ring.buffer;
  const off = ring.offset(step);
  for (let i = 0; i < n; i++) {
    const x = buf[off + i]!;
    if (x !== 0) {
      target[i] = target[i]! + x;
      buf[off + i] = 0;
    }
  }
}
