/**
 * AEDAT 4.0 (iniVation DV / dv-processing), events only (docs/formats.md, aedat4):
 *
 *   "#!AER-DAT4.0\r\n"
 *   int32 LE length + IOHeader flatbuffer ("IOHE": compression, dataTablePosition = −1, infoNode XML)
 *   packets: int32 LE streamId (0), int32 LE size, body = size-prefixed EventPacket flatbuffer ("EVTS")
 *            of 16-byte {int64 t µs, int16 x, int16 y, bool on} — LZ4-frame compressed if the header says so
 *
 * Timestamps are µs from the start of the simulation (tsOffset 0), not wall-clock Unix time.
 * The reader handles our files and uncompressed or LZ4 files from other producers; ZSTD is refused
 * with a clear error (no ZSTD decoder is bundled). The optional FileDataTable is not written; the
 * reader stops at dataTablePosition when a file has one.
 */
import { SnnError } from '../../engine/errors.js';
import { buildEventPacket, buildIoHeader, Compression, EVENTS_ID, FlatView, parseEventPacket, parseIoHeader, type EventColumns } from './aedat4-flatbuffers.js';
import { buildInfoNode, parseInfoNode } from './aedat4-info.js';
import { idsToPixels, pixelEventsToSpikeData } from './dvs-address.js';
import { readFileBytes, writeFileAtomic } from './file-io.js';
import { lz4FrameCompress, lz4FrameDecompress } from './lz4-frame.js';
import { polarityOf, widthOf, type FormatOptions } from './format-options.js';
import type { SpikeFormat } from './registry.js';
import { flattenSpikes, parseLayoutJson, validateSpikeData, type SpikeData } from './spike-data.js';
import { msToMicroseconds } from './time-units.js';

export const AEDAT4_MAGIC = '#!AER-DAT4.0\r\n';
const MAGIC_LEN = AEDAT4_MAGIC.length;
const STREAM_ID = 0;

export function encodeAedat4(data: SpikeData, opts: FormatOptions = {}): Uint8Array[] {
  validateSpikeData(data);
  const width = widthOf(opts);
  const compression = opts.compression ?? 'none';
  if (compression !== 'none' && compression !== 'lz4') {
    throw new SnnError('usage', `unknown AEDAT 4.0 compression '${String(compression)}'`, 'use none or lz4');
  }
  const packetSize = opts.packetSize ?? 4096;
  if (!Number.isInteger(packetSize) || packetSize < 1) throw new SnnError('usage', `packetSize must be a positive integer, got ${packetSize}`, 'e.g. 4096');
  const flat = flattenSpikes(data);
  const px = idsToPixels(flat.ids, width, polarityOf(opts), 32768); // int16 y
  const tUs = new Float64Array(flat.times.length);
  for (let i = 0; i < tUs.length; i++) tUs[i] = msToMicroseconds(flat.times[i]!);

  const info = buildInfoNode({
    sizeX: width,
    sizeY: Math.max(1, Math.ceil(flat.totalSize / width)),
    compression: compression === 'lz4' ? 'LZ4' : 'NONE',
    extra: {
      snnPopulations: JSON.stringify(flat.layout),
      snnDurationMs: String(data.durationMs),
      snnDtMs: data.dt === null ? 'none' : String(data.dt),
    },
  });
  const chunks: Uint8Array[] = [new TextEncoder().encode(AEDAT4_MAGIC), buildIoHeader(compression === 'lz4' ? Compression.Lz4 : Compression.None, info)];
  for (let from = 0; from < tUs.length; from += packetSize) {
    const to = Math.min(tUs.length, from + packetSize);
    let body = buildEventPacket(tUs, px.x, px.y, px.p, from, to);
    if (compression === 'lz4') body = lz4FrameCompress(body);
    const head = new Uint8Array(8);
    const v = new DataView(head.buffer);
    v.setInt32(0, STREAM_ID, true);
    v.setInt32(4, body.length, true);
    chunks.push(head, body);
  }
  return chunks;
}

export interface Aedat4File {
  events: EventColumns;
  width: number | null;
  sizeY: number | null;
  meta: Map<string, string>;
}

export function decodeAedat4(bytes: Uint8Array): Aedat4File {
  if (bytes.length < MAGIC_LEN || new TextDecoder('latin1').decode(bytes.subarray(0, MAGIC_LEN)) !== AEDAT4_MAGIC) {
    throw new SnnError('io.format', 'not an AEDAT 4.0 file (missing #!AER-DAT4.0 first line)', 'check --format or the file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const truncated = (what: string) => new SnnError('io.truncated', `AEDAT 4.0 file ends inside ${what}`, 'the file is cut short');
  if (bytes.length < MAGIC_LEN + 4) throw truncated('the IOHeader length');
  const hlen = view.getInt32(MAGIC_LEN, true);
  if (hlen < 8 || MAGIC_LEN + 4 + hlen > bytes.length) throw truncated('the IOHeader');
  const header = parseIoHeader(bytes.subarray(MAGIC_LEN + 4, MAGIC_LEN + 4 + hlen));
  if (header.compression === Compression.Zstd || header.compression === Compression.ZstdHigh) {
    throw new SnnError('io.format', 'AEDAT 4.0 file uses ZSTD compression, which snn cannot read', 'convert it with dv-processing to LZ4 or no compression');
  }
  if (header.compression !== Compression.None && header.compression !== Compression.Lz4 && header.compression !== Compression.Lz4High) {
    throw new SnnError('io.corrupt', `unknown AEDAT 4.0 compression ${header.compression}`, 'the file is damaged');
  }
  const streams = parseInfoNode(header.infoNode);
  const evts = streams.filter((s) => s.typeIdentifier === EVENTS_ID);
  const isEventStream = (id: number) => (streams.length === 0 ? true : evts.some((s) => s.id === id));

  let pos = MAGIC_LEN + 4 + hlen;
  const end = header.dataTablePosition >= pos && header.dataTablePosition <= bytes.length ? header.dataTablePosition : bytes.length;
  const parts: EventColumns[] = [];
  while (pos < end) {
    if (pos + 8 > end) throw truncated('a packet header');
    const streamId = view.getInt32(pos, true);
    const size = view.getInt32(pos + 4, true);
    if (size < 0 || pos + 8 + size > end) throw truncated(`packet at byte ${pos}`);
    const raw = bytes.subarray(pos + 8, pos + 8 + size);
    pos += 8 + size;
    if (!isEventStream(streamId)) continue; // frames, IMU, triggers: not spikes
    const body = header.compression === Compression.None ? raw : lz4FrameDecompress(raw);
    const fb = new FlatView(body);
    const inner = fb.u32(0);
    if (inner + 4 > body.length) throw new SnnError('io.corrupt', `packet size prefix ${inner} exceeds the packet`, 'the file is damaged');
    const buf = body.subarray(4, 4 + inner);
    const id = new FlatView(buf).identifier();
    if (id !== EVENTS_ID) {
      if (streams.length === 0) continue; // no stream table: skip non-event packets by identifier
      throw new SnnError('io.corrupt', `packet of event stream ${streamId} has identifier '${id}'`, 'the file is damaged');
    }
    parts.push(parseEventPacket(buf));
  }
  const events = concat(parts);
  const info = evts[0]?.info ?? new Map<string, string>();
  const num = (k: string) => {
    const v = Number(info.get(k));
    return Number.isInteger(v) && v >= 1 && v <= 32767 ? v : null;
  };
  return { events, width: num('sizeX'), sizeY: num('sizeY'), meta: info };
}

function concat(parts: EventColumns[]): EventColumns {
  let n = 0;
  for (const p of parts) n += p.tUs.length;
  const out = { tUs: new Float64Array(n), x: new Int16Array(n), y: new Int16Array(n), on: new Uint8Array(n) };
  let k = 0;
  for (const p of parts) {
    out.tUs.set(p.tUs, k);
    out.x.set(p.x, k);
    out.y.set(p.y, k);
    out.on.set(p.on, k);
    k += p.tUs.length;
  }
  return out;
}

export function aedat4ToSpikeData(f: Aedat4File, opts: FormatOptions = {}): SpikeData {
  const duration = Number(f.meta.get('snnDurationMs'));
  const dt = Number(f.meta.get('snnDtMs'));
  // Negative x/y (int16 on disk) are rejected by pixelsToIds with the event's index.
  return pixelEventsToSpikeData(f.events, {
    width: f.width ?? widthOf(opts),
    layout: parseLayoutJson(f.meta.get('snnPopulations') ?? ''),
    durationMs: Number.isFinite(duration) && duration >= 0 ? duration : null,
    dt: Number.isFinite(dt) && dt > 0 ? dt : null,
  });
}

export const aedat4Format: SpikeFormat = {
  name: 'aedat4',
  extensions: ['.aedat4'],
  description: 'AEDAT 4.0 (DV): IOHeader + EVTS EventPacket flatbuffers, µs timestamps, optional LZ4',
  async write(data, path, opts) {
    await writeFileAtomic(path, encodeAedat4(data, opts));
  },
  async read(path, opts) {
    return aedat4ToSpikeData(decodeAedat4(await readFileBytes(path)), opts);
  },
  detect(first) {
    return new TextDecoder('latin1').decode(first.subarray(0, MAGIC_LEN)) === AEDAT4_MAGIC;
  },
};
