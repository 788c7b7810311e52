/**
 * AEDAT 2.0 (jAER): `#!AER-DAT2.0\r\n`, `#` comment lines ending in CRLF, then per event a
 * big-endian int32 address and int32 timestamp in µs (docs/formats.md, aedat2).
 *
 * Our header also records the id → address mapping and the population table as `# snn-…` comments,
 * so our reader restores populations exactly; other readers skip comments. We end the header with
 * `#End Of ASCII Header` — jAER's own sentinel, byte for byte (AEDataFile.END_OF_HEADER_STRING after
 * the '#', no space), which scripts that seek the data start look for — because a DAVIS address whose
 * first byte is 0x23 ('#') would otherwise be mistaken for a comment line. Our reader also accepts
 * `# End Of ASCII Header` (our files before this layout) and saveaerdat.m's `# End of ASCII Header`;
 * without any marker it falls back to "lines starting with '#'".
 */
import { SnnError } from '../../engine/errors.js';
import { decodeAddress, encodeAddress, idsToPixels, LAYOUT_LIMITS, pixelEventsToSpikeData, type AddressLayout, type PixelEvents } from './dvs-address.js';
import { readFileBytes, writeFileAtomic } from './file-io.js';
import { polarityOf, widthOf, type FormatOptions, type Polarity } from './format-options.js';
import type { SpikeFormat } from './registry.js';
import { flattenSpikes, parseLayoutJson, validateSpikeData, type PopulationLayout, type SpikeData } from './spike-data.js';
import { msToMicroseconds } from './time-units.js';

export const AEDAT2_MAGIC = '#!AER-DAT2.0\r\n';
/** jAER's end-of-header line (AEFileOutputStream: '#' + "End Of ASCII Header"), without CRLF. */
export const AEDAT2_END_MARKER = '#End Of ASCII Header';
/** Header lines (without '#' and CRLF) that end the header: jAER's, ours before, saveaerdat.m's. */
const isEndMarker = (line: string) => /^ ?end of ascii header$/i.test(line);
const INT32_MAX = 0x7fffffff;

export interface Aedat2Events extends PixelEvents {
  /** Timestamps in µs as stored (int32). */
  tUs: Int32Array;
}

export interface Aedat2File {
  events: Aedat2Events;
  /** Comment lines without '#' and CRLF. */
  comments: string[];
  /** Our embedded metadata, when the file was written by snn. */
  layout: PopulationLayout[] | null;
  width: number | null;
  durationMs: number | null;
  dt: number | null;
}

export function encodeAedat2(data: SpikeData, opts: FormatOptions = {}): Uint8Array[] {
  validateSpikeData(data);
  const width = widthOf(opts);
  const polarity: Polarity = polarityOf(opts);
  const layout: AddressLayout = opts.layout ?? 'dvs128';
  if (layout !== 'dvs128' && layout !== 'davis') {
    throw new SnnError('usage', `unknown AEDAT 2.0 address layout '${String(layout)}'`, 'use dvs128 or davis');
  }
  const flat = flattenSpikes(data);
  const px = idsToPixels(flat.ids, width, polarity, LAYOUT_LIMITS[layout].y);
  const header = [
    '#!AER-DAT2.0',
    '# This is a raw AE data file written by snn',
    '# Data format is int32 address, int32 timestamp (8 bytes total), repeated for each event',
    '# Timestamps tick is 1 us',
    layout === 'dvs128' ? '# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128' : '# AEChip: DAVIS address layout',
    `# snn-mapping: layout=${layout} width=${width} polarity=${polarity}; x = id % width, y = floor(id / width), id = y * width + x; ` +
      (layout === 'dvs128' ? 'address = y << 8 | x << 1 | p' : 'address = y << 22 | x << 12 | p << 11'),
    `# snn-populations: ${JSON.stringify(flat.layout)}`,
    `# snn-duration-ms: ${data.durationMs}`,
    `# snn-dt-ms: ${data.dt ?? 'none'}`,
    AEDAT2_END_MARKER,
  ];
  const head = new TextEncoder().encode(header.map((l) => `${l}\r\n`).join(''));
  const body = new Uint8Array(flat.times.length * 8);
  const view = new DataView(body.buffer);
  for (let i = 0; i < flat.times.length; i++) {
    const t = msToMicroseconds(flat.times[i]!);
    if (t > INT32_MAX) {
      throw new SnnError('usage', `spike at ${flat.times[i]} ms exceeds AEDAT 2.0's int32 µs clock (max ~2147 s)`, 'use aedat4 (int64 µs) or nirdata');
    }
    view.setUint32(i * 8, encodeAddress(layout, px.x[i]!, px.y[i]!, px.p[i]!), false);
    view.setInt32(i * 8 + 4, t, false);
  }
  return [head, body];
}

/** Splits header lines from the event body and decodes events. */
export function decodeAedat2(bytes: Uint8Array, opts: FormatOptions = {}): Aedat2File {
  const magic = new TextEncoder().encode(AEDAT2_MAGIC);
  if (bytes.length < magic.length || !magic.every((b, i) => bytes[i] === b)) {
    throw new SnnError('io.format', 'not an AEDAT 2.0 file (missing #!AER-DAT2.0 first line)', 'check --format or the file');
  }
  const comments: string[] = [];
  const dec = new TextDecoder('latin1');
  let pos = magic.length;
  // Header: lines starting with '#' up to our end marker (if present) or the first non-'#' byte.
  while (pos < bytes.length && bytes[pos] === 0x23) {
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new SnnError('io.truncated', 'AEDAT 2.0 header line is not terminated', 'the file is cut short');
    const line = dec.decode(bytes.subarray(pos + 1, end)).replace(/\r$/, '');
    comments.push(line.replace(/^ /, ''));
    pos = end + 1;
    if (isEndMarker(line)) break;
  }
  const meta = parseMeta(comments);
  const layout: AddressLayout = meta.layout ?? opts.layout ?? 'dvs128';
  const body = bytes.subarray(pos);
  if (body.length % 8 !== 0) {
    throw new SnnError('io.truncated', `AEDAT 2.0 event data is ${body.length} bytes, not a multiple of 8`, 'the file is cut short');
  }
  const n = body.length / 8;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const x = new Uint16Array(n);
  const y = new Uint16Array(n);
  const p = new Uint8Array(n);
  const tUs = new Int32Array(n);
  const px = { x: 0, y: 0, p: 0 };
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!decodeAddress(layout, view.getUint32(i * 8, false), px)) continue;
    x[k] = px.x;
    y[k] = px.y;
    p[k] = px.p;
    tUs[k] = view.getInt32(i * 8 + 4, false);
    k++;
  }
  return {
    events: { x: x.slice(0, k), y: y.slice(0, k), p: p.slice(0, k), tUs: tUs.slice(0, k) },
    comments,
    layout: meta.populations,
    width: meta.width,
    durationMs: meta.durationMs,
    dt: meta.dt,
  };
}

interface HeaderMeta {
  layout: AddressLayout | null;
  width: number | null;
  populations: PopulationLayout[] | null;
  durationMs: number | null;
  dt: number | null;
}

/** Reads our `snn-…` comments; anything malformed is ignored (the file is still valid AEDAT). */
export function parseMeta(comments: string[]): HeaderMeta {
  const m: HeaderMeta = { layout: null, width: null, populations: null, durationMs: null, dt: null };
  for (const c of comments) {
    if (c.startsWith('snn-mapping:')) {
      const lay = /layout=(dvs128|davis)/.exec(c);
      const w = /width=(\d+)/.exec(c);
      if (lay) m.layout = lay[1] as AddressLayout;
      if (w && Number(w[1]) >= 1 && Number(w[1]) <= 32767) m.width = Number(w[1]);
    } else if (c.startsWith('snn-populations:')) {
      m.populations = parseLayoutJson(c.slice('snn-populations:'.length));
    } else if (c.startsWith('snn-duration-ms:')) {
      const v = Number(c.slice('snn-duration-ms:'.length));
      if (Number.isFinite(v) && v >= 0) m.durationMs = v;
    } else if (c.startsWith('snn-dt-ms:')) {
      const v = Number(c.slice('snn-dt-ms:'.length));
      if (Number.isFinite(v) && v > 0) m.dt = v;
    }
  }
  return m;
}

export const aedat2Format: SpikeFormat = {
  name: 'aedat2',
  extensions: ['.aedat', '.aedat2', '.dat'],
  description: 'AEDAT 2.0 (jAER): big-endian int32 address + int32 µs timestamp, DVS128 or DAVIS layout',
  async write(data, path, opts) {
    await writeFileAtomic(path, encodeAedat2(data, opts));
  },
  async read(path, opts = {}) {
    const f = decodeAedat2(await readFileBytes(path), opts);
    return pixelEventsToSpikeData(f.events, { ...f, width: f.width ?? widthOf(opts) });
  },
  detect(first) {
    return new TextDecoder('latin1').decode(first.subarray(0, 14)) === AEDAT2_MAGIC;
  },
};
