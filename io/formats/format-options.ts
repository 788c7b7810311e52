/**
 * Options every exporter/reader understands. One flat, typed bag (not per-format generics) so the CLI
 * can pass `--width`, `--dt` etc. without knowing which format uses them; each format reads only its own.
 */
import { SnnError } from '../../engine/errors.js';

/** How a neuron's polarity bit is chosen in event-camera formats (AEDAT, Tonic npy). */
export type Polarity = 'on' | 'off' | 'id-parity';

export interface FormatOptions {
  /** Sensor width: id → x = id % width, y = floor(id / width). Default 128 (DVS128). */
  width?: number;
  /** Polarity written for every event. Default 'on'. */
  polarity?: Polarity;
  /** AEDAT 2.0 address layout. Default 'dvs128'. */
  layout?: 'dvs128' | 'davis';
  /** Time step in ms for gridded formats (Lava); overrides SpikeData.dt. */
  dt?: number;
  /** AEDAT 4.0 packet compression. Default 'none'. */
  compression?: 'none' | 'lz4';
  /** npy flavour: Tonic structured (x, y, t, p) or plain float64 (N, 2) of (t_ms, id). Default 'tonic'. */
  variant?: 'tonic' | 'plain';
  /** AEDAT 4.0: events per packet. Default 4096. */
  packetSize?: number;
  /** NWB: file identifier and session description; `now` fixes the dates (tests). */
  identifier?: string;
  sessionDescription?: string;
  now?: Date;
}

const POLARITIES: readonly Polarity[] = ['on', 'off', 'id-parity'];

/** Validated sensor width. */
export function widthOf(opts: FormatOptions | undefined, fallback = 128): number {
  const w = opts?.width ?? fallback;
  if (!Number.isInteger(w) || w < 1 || w > 32767) {
    throw new SnnError('usage', `width must be an integer in [1, 32767], got ${w}`, 'pass e.g. --width 128');
  }
  return w;
}

export function polarityOf(opts: FormatOptions | undefined): Polarity {
  const p = opts?.polarity ?? 'on';
  if (!POLARITIES.includes(p)) {
    throw new SnnError('usage', `unknown polarity '${String(p)}'`, `use one of: ${POLARITIES.join(', ')}`);
  }
  return p;
}

/** Polarity bit (1 = ON) of global id `id` under mode `mode`. */
export function polarityBit(mode: Polarity, id: number): number {
  return mode === 'on' ? 1 : mode === 'off' ? 0 : id & 1;
}
