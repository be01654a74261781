// One number format for every line a person reads: the checks' details, and the CLI's console
// summary, chart labels and report (internal: not part of the public API).

/**
 * `digits` significant digits (toPrecision, which itself switches to exponential form at 10^digits),
 * exponential below 1e-3; 0 as '0' and non-finite values as String(v).
 */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Math.abs(v) >= 1e-3 ? v.toPrecision(digits) : v.toExponential(digits - 1);
}
