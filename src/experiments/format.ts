// The number formats for every line a person reads, each written once: the checks' details, the
// CLI's console summary, chart labels and report (formatNumber), and the demo page's labels and
// advice (formatCompact). Internal: not part of the public API; the page imports this file directly
// (it has no imports, so nothing of the library's wasm comes with it).

/**
 * `digits` significant digits (toPrecision, which itself switches to exponential form at 10^digits),
 * exponential below 1e-3; 0 as '0' and non-finite values as String(v).
 */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Math.abs(v) >= 1e-3 ? v.toPrecision(digits) : v.toExponential(digits - 1);
}

/**
 * Short labels: `digits` significant digits without trailing zeros, exponential (with
 * `exponentDigits` significant digits) from 1e4 up and below 1e-3; 0 as '0' and non-finite values
 * as String(v).
 */
export function formatCompact(v: number, digits = 3, exponentDigits = digits): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const magnitude = Math.abs(v);
  return magnitude >= 1e4 || magnitude < 1e-3 ? v.toExponential(exponentDigits - 1) : String(Number(v.toPrecision(digits)));
}
