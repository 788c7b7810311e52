/**
 * A figure: a Vega-Lite specification with a file name and a caption. Figures are data, built by
 * one module per kind (raster.ts, receptive-fields.ts, …); render.ts turns them into SVG and PNG.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface Figure {
  /** File stem of the figure's PNG/SVG (e.g. 'raster'). */
  name: string;
  title: string;
  spec: TopLevelSpec;
  /** What the figure leaves out or how it was reduced, and numbers worth reading (shown under it). */
  notes: string[];
  /** Extra HTML shown with the figure in the report (e.g. a table), already escaped. */
  html?: string;
}

/** The configuration every figure shares: no ARIA descriptions (they would double a large SVG), plain fonts. */
export const FIGURE_CONFIG = {
  aria: false,
  font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif',
  view: { stroke: '#888' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
} as const;

/** Ten distinguishable colours for the ten classes (Vega's category10). */
export const CLASS_SCHEME = 'category10';

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
