/**
 * The IOHeader `infoNode` of AEDAT 4.0: DV's configuration tree as XML, listing the file's streams.
 *
 * We write one stream, id 0, named `events`, of type `EVTS`, in the shape dv-processing writes
 * (`<dv version="2.0">` → `outInfo` → `<stream id>` with typeIdentifier etc. → `info` with sizeX/sizeY).
 * Our own metadata (population table, duration, dt) goes into extra `snn*` attributes of the `info`
 * node; other readers ignore unknown attributes.
 *
 * The parser is deliberately small: it understands the `<node name=…>` / `<attr key=… type=…>` subset
 * this XML uses, unescapes the five XML entities, and never throws on odd input (missing pieces simply
 * come back as null).
 */

export interface StreamInfo {
  id: number;
  typeIdentifier: string | null;
  name: string | null;
  /** Attributes of the stream's `info` child (sizeX, sizeY, snn*...). */
  info: Map<string, string>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const unesc = (s: string) => s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

export interface InfoNodeInput {
  sizeX: number;
  sizeY: number;
  compression: string;
  extra: Record<string, string>;
}

export function buildInfoNode(i: InfoNodeInput): string {
  const base = '/mainloop/Recorder/outInfo/';
  const attr = (key: string, type: string, value: string | number) => `<attr key="${esc(key)}" type="${type}">${esc(String(value))}</attr>`;
  return [
    '<dv version="2.0">',
    `    <node name="outInfo" path="${base}">`,
    `        <node name="0" path="${base}0/">`,
    `            ${attr('compression', 'string', i.compression)}`,
    `            ${attr('originalModuleName', 'string', 'snn')}`,
    `            ${attr('originalOutputName', 'string', 'events')}`,
    `            ${attr('typeDescription', 'string', 'Array of events (polarity ON/OFF).')}`,
    `            ${attr('typeIdentifier', 'string', 'EVTS')}`,
    `            <node name="info" path="${base}0/info/">`,
    `                ${attr('sizeX', 'int', i.sizeX)}`,
    `                ${attr('sizeY', 'int', i.sizeY)}`,
    `                ${attr('source', 'string', 'snn')}`,
    `                ${attr('tsOffset', 'long', 0)}`,
    ...Object.entries(i.extra).map(([k, v]) => `                ${attr(k, 'string', v)}`),
    '            </node>',
    '        </node>',
    '    </node>',
    '</dv>',
    '',
  ].join('\n');
}

/** Streams listed under `outInfo`; an unparsable tree gives an empty list. */
export function parseInfoNode(xml: string): StreamInfo[] {
  const tag = /<(\/?)(node|attr)\b([^>]*)>|<\/attr>/g;
  const path: string[] = [];
  const streams = new Map<number, StreamInfo>();
  let m: RegExpExecArray | null;
  let steps = 0;
  while ((m = tag.exec(xml)) !== null && steps++ < 100_000) {
    if (m[0] === '</attr>') continue;
    const [, close, kind, rest] = m as unknown as [string, string, string, string];
    const attrs = new Map<string, string>();
    for (const a of rest.matchAll(/(\w+)="([^"]*)"/g)) attrs.set(a[1]!, unesc(a[2]!));
    const selfClosing = rest.trimEnd().endsWith('/');
    if (kind === 'node') {
      if (close) path.pop();
      else if (!selfClosing) path.push(attrs.get('name') ?? '');
      continue;
    }
    if (close || selfClosing) continue;
    // <attr key=..>value</attr>: the value runs to the next '<'.
    const end = xml.indexOf('<', tag.lastIndex);
    const value = unesc(xml.slice(tag.lastIndex, end < 0 ? xml.length : end)).trim();
    const key = attrs.get('key');
    const at = path.indexOf('outInfo');
    if (key === undefined || at < 0 || path.length < at + 2) continue;
    const id = Number(path[at + 1]);
    if (!Number.isInteger(id) || id < 0) continue;
    let s = streams.get(id);
    if (!s) streams.set(id, (s = { id, typeIdentifier: null, name: null, info: new Map() }));
    if (path.length === at + 2) {
      if (key === 'typeIdentifier') s.typeIdentifier = value;
      if (key === 'originalOutputName') s.name = value;
    } else if (path.length === at + 3 && path[at + 2] === 'info') {
      s.info.set(key, value);
    }
  }
  return [...streams.values()];
}
