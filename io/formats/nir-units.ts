/**
 * Time units at the NIR edge: snn works in ms, our NIR files hold seconds (docs/formats.md, nir: units).
 *
 * ms → s is a correctly rounded division by 1000. The way back is not simply `s · 1000`, which misses
 * the original by one ulp for ~1.4 % of values: `secondsToMsExact` picks, among the floats next to
 * `s · 1000`, the one whose division by 1000 gives `s` again (so re-exporting writes the same file),
 * preferring the shortest decimal. A value written by a person (20, 0.1, 5) comes back exactly.
 */

export function msToS(ms: number): number {
  return ms / 1000;
}

const buf = new DataView(new ArrayBuffer(8));

function nextToward(x: number, up: boolean): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  buf.setFloat64(0, x);
  let bits = buf.getBigUint64(0);
  bits += (x > 0) === up ? 1n : -1n;
  buf.setBigUint64(0, bits);
  return buf.getFloat64(0);
}

export function secondsToMsExact(s: number): number {
  const c = s * 1000;
  if (!Number.isFinite(c)) return c;
  const candidates = [nextToward(nextToward(c, false), false), nextToward(c, false), c, nextToward(c, true), nextToward(nextToward(c, true), true)];
  let best: number | null = null;
  for (const y of candidates) {
    if (y / 1000 !== s) continue;
    if (best === null || String(y).length < String(best).length) best = y;
  }
  return best ?? c;
}
