// The optimisers' extrapolation (src/training/optimizer.ts, DESIGN §7.4): x ← x + β(x − prev),
// prev ← x (old), elementwise over float32s, so heavy ball and Nesterov cost a streamed pass.

/** x_i ← x_i + β(x_i − prev_i), prev_i ← x_i (old), for i < count. */
export function extrapolate(x: usize, prev: usize, count: i32, beta: f32): void {
  const bv = f32x4.splat(beta);
  const vecEnd = count & ~3;
  let i = 0;
  for (; i < vecEnd; i += 4) {
    const p = <usize>i << 2;
    const t = v128.load(x + p);
    v128.store(x + p, f32x4.add(t, f32x4.mul(bv, f32x4.sub(t, v128.load(prev + p)))));
    v128.store(prev + p, t);
  }
  for (; i < count; i++) {
    const p = <usize>i << 2;
    const t = load<f32>(x + p);
    store<f32>(x + p, t + beta * (t - load<f32>(prev + p)));
    store<f32>(prev + p, t);
  }
}
