/**
 * Renders figures: Vega-Lite → Vega → SVG in Node (a headless Vega View, renderer 'none'), and
 * SVG → PNG with resvg. Nothing is drawn by hand; both libraries are pinned dependencies.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { SnnError } from '../engine/errors.js';
import { FIGURE_CONFIG, type Figure } from './figure.js';

/** SVG text of a figure. */
export async function renderSvg(figure: Figure): Promise<string> {
  const spec = { ...figure.spec, config: { ...FIGURE_CONFIG, ...(figure.spec.config ?? {}) } };
  let compiled;
  try {
    compiled = compile(spec as typeof figure.spec).spec;
  } catch (err) {
    throw new SnnError('internal', `figure '${figure.name}' has an invalid specification: ${(err as Error).message}`, 'please report it');
  }
  // No loader: figures carry their data inline, so rendering never reads a file or the network.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: offlineLoader() });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A Vega loader that refuses every load: figures must be self-contained. */
function offlineLoader(): vega.Loader {
  const refuse = async (uri: string): Promise<never> => {
    throw new SnnError('internal', `a figure tried to load '${uri}'`, 'figures carry their data inline');
  };
  const base = vega.loader();
  return Object.assign(base, { load: refuse, http: refuse, file: refuse, sanitize: refuse }) as vega.Loader;
}

/** PNG bytes of an SVG, at `scale` × its own size (2 for sharp images on screens). */
export function renderPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return r.render().asPng();
}

/** Width and height of a PNG from its IHDR chunk (for checks; throws on a non-PNG). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || !sig.every((b, i) => png[i] === b) || String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') {
    throw new SnnError('io.format', 'not a PNG image (bad signature or no IHDR chunk first)', 'render it again');
  }
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

/** Size an SVG states on its root element (width/height attributes, in px). */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new SnnError('internal', 'the SVG states no width and height', 'please report it');
  return { width: Number(m[1]), height: Number(m[2]) };
}
