// Theorem 4.1's line (1 − ηλ0/2)^k ‖y − u(0)‖² must have the same bits in every JavaScript engine.
// The test demands the one answer that is host-independent by definition: the double nearest to the
// exact product, found here with integer arithmetic (BigInt) only.
import { describe, expect, it } from 'vitest';
import { convergenceBound } from '../src/index.js';

/** A finite double as mantissa · 2^exponent with an integer mantissa. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { mantissa: sign * fraction, exponent: -1074 };
  return { mantissa: sign * (fraction | (1n << 52n)), exponent: biased - 1075 };
}

/** The double nearest to mantissa · 2^exponent (positive, in the normal range), ties to even. */
function nearestDouble(mantissa: bigint, exponent: number): number {
  // Keep 64 leading bits and fold the rest into a sticky bit, so Number() (which rounds to nearest,
  // ties to even, by the language's definition) sees a tie only where the exact value is one.
  const extra = Math.max(0, mantissa.toString(2).length - 64);
  let top = mantissa >> BigInt(extra);
  if ((top << BigInt(extra)) !== mantissa) top |= 1n;
  const scale = exponent + extra;
  const power = Number(1n << BigInt(Math.abs(scale))); // exact: a power of two below 2^1024
  return scale >= 0 ? Number(top) * power : Number(top) / power;
}

/** ‖r(0)‖² · f^k, k = 0..steps, correctly rounded, with f = 1 − ηλ0/2 rounded as the library does. */
function exactBound(initialResidualSq: number, eta: number, lambda0: number, steps: number): number[] {
  const f = decompose(1 - (eta * lambda0) / 2);
  const r = decompose(initialResidualSq);
  const out: number[] = [];
  let power = 1n;
  for (let k = 0; k <= steps; k++) {
    if (k > 0) power *= f.mantissa;
    out.push(nearestDouble(power * r.mantissa, f.exponent * k + r.exponent));
  }
  return out;
}

describe('convergenceBound (Theorem 4.1)', () => {
  // Runs like the demo's (‖r(0)‖² ~ 10–200, ηλ0/2 ~ 1e-3–0.3) and a long, slow one.
  const cases: [number, number, number, number][] = [
    [173.11328357372963, 0.1952, 0.2007, 400],
    [57.0625, 0.3, 0.123456789, 400],
    [12.5, 1, 0.6, 400],
    [98.765, 0.01, 0.0373, 3000],
  ];
  it.each(cases)('is the correctly rounded ‖r(0)‖²·f^k at every k (r0Sq %f, η %f, λ0 %f)', (r0Sq, eta, lambda0, steps) => {
    expect(convergenceBound(r0Sq, eta, lambda0, steps)).toEqual(exactBound(r0Sq, eta, lambda0, steps));
  });

  it('keeps k = 0 at ‖r(0)‖² and stays finite, not NaN, when the factor grows without bound', () => {
    const bound = convergenceBound(1e300, 10, 1, 50); // factor −4: |f^k| overflows
    expect(bound[0]).toBe(1e300);
    expect(bound.some((v) => Number.isNaN(v))).toBe(false);
    expect(bound[50]).toBe(Infinity);
  });
});
