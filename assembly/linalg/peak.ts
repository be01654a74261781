// The machine's f32x4 ceiling for this very wasm build (DESIGN §5.4, issue 5 target 5): a
// register-resident loop of f32x4.mul + f32x4.add, nothing loaded or stored inside the loop.
// Each of the twelve accumulators runs acc ← acc·α + β, so every multiply depends on the previous
// add and neither Binaryen nor V8 can hoist it out of the loop. Twelve chains cover the mul + add
// latency (3 + 3 cycles on Zen 3) across its two multiply and two add pipes, and twelve
// accumulators plus two constants fit in x86-64's sixteen xmm registers, so V8 spills nothing.

/**
 * Runs `iterations` rounds of twelve independent `acc = acc·α + β` on f32x4 (96 flops a round:
 * 12 accumulators × 4 lanes × one mul and one add) and returns the sum of every lane, so the
 * loop cannot be optimised away. α, β keep every accumulator near 1: finite and normal for any
 * iteration count.
 */
export function peakMulAdd(iterations: i32): f64 {
  const alpha = f32x4.splat(0.999);
  const beta = f32x4.splat(0.001);
  let a0 = f32x4.splat(0.0), a1 = f32x4.splat(0.1), a2 = f32x4.splat(0.2), a3 = f32x4.splat(0.3);
  let a4 = f32x4.splat(0.4), a5 = f32x4.splat(0.5), a6 = f32x4.splat(0.6), a7 = f32x4.splat(0.7);
  let a8 = f32x4.splat(0.8), a9 = f32x4.splat(0.9), a10 = f32x4.splat(1.1), a11 = f32x4.splat(1.2);
  for (let k = 0; k < iterations; k++) {
    a0 = f32x4.add(f32x4.mul(a0, alpha), beta); a1 = f32x4.add(f32x4.mul(a1, alpha), beta);
    a2 = f32x4.add(f32x4.mul(a2, alpha), beta); a3 = f32x4.add(f32x4.mul(a3, alpha), beta);
    a4 = f32x4.add(f32x4.mul(a4, alpha), beta); a5 = f32x4.add(f32x4.mul(a5, alpha), beta);
    a6 = f32x4.add(f32x4.mul(a6, alpha), beta); a7 = f32x4.add(f32x4.mul(a7, alpha), beta);
    a8 = f32x4.add(f32x4.mul(a8, alpha), beta); a9 = f32x4.add(f32x4.mul(a9, alpha), beta);
    a10 = f32x4.add(f32x4.mul(a10, alpha), beta); a11 = f32x4.add(f32x4.mul(a11, alpha), beta);
  }
  const sum = f32x4.add(
    f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)),
    f32x4.add(f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)), f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))));
  return <f64>f32x4.extract_lane(sum, 0) + <f64>f32x4.extract_lane(sum, 1) +
         <f64>f32x4.extract_lane(sum, 2) + <f64>f32x4.extract_lane(sum, 3);
}

/**
 * Reads `bytes` bytes from `ptr` (a multiple of 64) with v128 loads into four independent
 * accumulators and returns a checksum: the read bandwidth the pattern kernels are held against
 * ("at memory speed"). Integer adds, so any bit pattern is a valid input.
 */
export function streamRead(ptr: usize, bytes: usize): f64 {
  let a0 = i64x2.splat(0), a1 = i64x2.splat(0), a2 = i64x2.splat(0), a3 = i64x2.splat(0);
  for (let off: usize = 0; off < bytes; off += 64) {
    a0 = i64x2.add(a0, v128.load(ptr + off)); a1 = i64x2.add(a1, v128.load(ptr + off, 16));
    a2 = i64x2.add(a2, v128.load(ptr + off, 32)); a3 = i64x2.add(a3, v128.load(ptr + off, 48));
  }
  const sum = i64x2.add(i64x2.add(a0, a1), i64x2.add(a2, a3));
  return <f64>(i64x2.extract_lane(sum, 0) + i64x2.extract_lane(sum, 1));
}
