// Seeded random numbers, bit-for-bit reproducible on every host: xoshiro256** seeded through
// SplitMix64, and Box–Muller in float64 with AssemblyScript's own libm (not the host's Math), so
// Node and browsers draw the same numbers for the same seed.

let s0: u64 = 0;
let s1: u64 = 0;
let s2: u64 = 0;
let s3: u64 = 0;

function splitmix(x: u64): u64 {
  let z = x + 0x9E3779B97F4A7C15;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

/** Seeds the generator from a 53-bit seed split into two u32 halves and a stream id. */
function seedState(seedLo: u32, seedHi: u32, stream: u32): void {
  let x: u64 = ((<u64>seedHi) << 32) | <u64>seedLo;
  x ^= (<u64>stream) * 0xD1B54A32D192ED03;
  s0 = splitmix(x); x += 0x9E3779B97F4A7C15;
  s1 = splitmix(x); x += 0x9E3779B97F4A7C15;
  s2 = splitmix(x); x += 0x9E3779B97F4A7C15;
  s3 = splitmix(x);
}

@inline function nextU64(): u64 {
  const result = rotl<u64>(s1 * 5, 7) * 9;
  const t = s1 << 17;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u64>(s3, 45);
  return result;
}

/** Uniform in (0, 1]: never 0, so log() in Box–Muller is finite. */
@inline function uniformOpenClosed(): f64 {
  return (<f64>((nextU64() >> 11) + 1)) * 1.1102230246251565e-16; // 2^-53
}

/** Fills `count` f32 values with N(0, scale²) draws. */
export function fillNormal(ptr: usize, count: i32, scale: f64, seedLo: u32, seedHi: u32, stream: u32): void {
  seedState(seedLo, seedHi, stream);
  const TWO_PI = 6.283185307179586;
  let i = 0;
  while (i < count) {
    const radius = Math.sqrt(-2.0 * Math.log(uniformOpenClosed()));
    const angle = TWO_PI * uniformOpenClosed();
    store<f32>(ptr + (<usize>i << 2), <f32>(scale * radius * Math.cos(angle)));
    if (i + 1 < count) store<f32>(ptr + (<usize>(i + 1) << 2), <f32>(scale * radius * Math.sin(angle)));
    i += 2;
  }
}

/** Fills `count` f32 values with independent fair ±1 signs. */
export function fillSigns(ptr: usize, count: i32, seedLo: u32, seedHi: u32, stream: u32): void {
  seedState(seedLo, seedHi, stream);
  for (let i = 0; i < count; i++) {
    store<f32>(ptr + (<usize>i << 2), (nextU64() >> 63) != 0 ? <f32>1.0 : <f32>-1.0);
  }
}

/** Scales each of the `rows` rows of a rows×cols f32 matrix to unit Euclidean norm (norm in f64). */
export function normalizeRows(ptr: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const row = ptr + (<usize>i * <usize>cols << 2);
    let sum: f64 = 0;
    for (let k = 0; k < cols; k++) {
      const v = <f64>load<f32>(row + (<usize>k << 2));
      sum += v * v;
    }
    if (sum == 0) continue;
    const inv = 1.0 / Math.sqrt(sum);
    for (let k = 0; k < cols; k++) {
      const p = row + (<usize>k << 2);
      store<f32>(p, <f32>(<f64>load<f32>(p) * inv));
    }
  }
}
