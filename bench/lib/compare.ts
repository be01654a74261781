// How far a result is from the reference it is checked against before anything is timed.

/** ‖a − b‖₂ / ‖b‖₂ over two arrays of one length (relative Frobenius distance for matrices). */
export function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}
