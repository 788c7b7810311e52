/**
 * Time units at the NIR edge: snn works in ms, our NIR files hold seconds (docs/formats.md, nir: units).
 *
 * ms → s is a correctly rounded division by 1000. The way back is not simply `s · 1000`, which misses
 * the original by one ulp for ~1.4 % of values: `secondsToMsExact` picks, among the floats within two
 * ulps of `s · 1000`, one whose division by 1000 gives `s` again (so re-exporting writes the same
 * file), preferring the shortest decimal, and of equally short ones the one nearer zero. A value
 * written by a person (20, 0.1, 5) comes back exactly. Like the division, it commutes with negation.
 *
 * Ties are real: for ~1 % of 17-digit values both `s · 1000` and the float below it divide back, and
 * the lower one is the original slightly more often (measured on random ms values). Two ulps matter
 * only where s is subnormal: there every float within hundreds of ulps of `s · 1000` divides back.
 */

export function msToS(ms: number): number {
  return ms / 1000;
}

const buf = new DataView(new ArrayBuffer(8));

/**
 * The float `k` steps from x, k < 0 toward zero (the bits of a float's magnitude count up with it, on
 * either sign). Steps below ±0 and from ±∞ or NaN give NaN or floats that do not divide back to s;
 * steps above ±0 do, but print longer than 0.
 */
function stepFrom(x: number, k: bigint): number {
  buf.setFloat64(0, x);
  buf.setBigUint64(0, buf.getBigUint64(0) + k);
  return buf.getFloat64(0);
}

export function secondsToMsExact(s: number): number {
  const c = s * 1000;
  // nearer zero first: the first of equally short candidates wins
  let best = c;
  let found = false;
  for (const k of [-2n, -1n, 0n, 1n, 2n]) {
    const y = stepFrom(c, k);
    if (y / 1000 !== s) continue;
    if (!found || String(y).length < String(best).length) best = y;
    found = true;
  }
  return best;
}
