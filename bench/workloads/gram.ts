// The Gram-matrix workloads (DESIGN §5.2): H(k) = K ⊙ (M Mᵀ)/m from the pre-activations with
// bit-packed patterns (what train() does for λ_min(H(k))), checked against net.gram(X) before
// timing, its two kernels separately (split over the kernel threads as train() splits them), the
// data kernel K = X Xᵀ, H(0) from the weights, and the pattern-change fraction against the
// machine's read bandwidth.
import { sphereData, threadCount, TwoLayerNet } from '../../src/index.js';
import { kernels } from '../../src/wasm/loader.js';
import * as parallel from '../../src/wasm/parallel.js';
import { WasmBuffer, bufferFrom, freeAll } from '../../src/wasm/memory.js';
import { relativeDistance } from '../lib/compare.js';
import { gigaPerSecond, interleaved, type Timing } from '../lib/measure.js';
import type { EfficiencyRow, ResultRow } from '../lib/report.js';

/** Read bandwidth of the pattern-change count against a plain streaming read of as many bytes. */
export interface PatternSpeed {
  bytesRead: number;
  countGBs: number;
  /** streamRead over a buffer of the same size (cache-resident like the bits). */
  sameSizeReadGBs: number;
  /** streamRead over 64 MiB (DRAM). */
  dramReadGBs: number;
}

export interface GramReport {
  rows: ResultRow[];
  efficiency: EfficiencyRow[];
  patternSpeed: PatternSpeed;
}

/**
 * Relative Frobenius distance between H(0) from the f32 pre-activations and net.gram's H(0) from
 * exact f64 signs: they differ only where some z_ir is within round-off of 0 (a flip moves a row by
 * ~1/m), so anything above 1e-3 means the timed kernels compute something else.
 */
const GRAM_TOLERANCE = 1e-3;

export async function benchGram(options: { n: number; d: number; m: number; rounds: number }): Promise<GramReport> {
  const { n, d, m, rounds } = options;
  const k = kernels();
  const { X } = sphereData({ n, d, seed: 1 });
  const net = TwoLayerNet.random({ d, m, seed: 2 });
  const wordsPerRow = Math.ceil(m / 64), wordsPerNeuron = Math.ceil(n / 64);
  const Xb = bufferFrom('f32', X.data);
  const ZT = new WasmBuffer('f32', m * n);
  const K = new WasmBuffer('f64', n * n), H = new WasmBuffer('f64', n * n);
  const rowBits = new WasmBuffer('u64', n * wordsPerRow);
  const a = new WasmBuffer('f32', m), u = new WasmBuffer('f32', n);
  const bits = new WasmBuffer('u64', m * wordsPerNeuron), bits0 = new WasmBuffer('u64', m * wordsPerNeuron);
  const patternBytes = 2 * bits.bytes;
  const sameSize = new WasmBuffer('u64', Math.ceil(patternBytes / 64) * 8);
  const dram = new WasmBuffer('u64', (64 << 20) / 8);
  try {
    k.gemmNT(net._W.ptr, Xb.ptr, ZT.ptr, m, n, d);
    k.linearKernel(Xb.ptr, n, d, K.ptr);
    // Neuron-major bits as forward() leaves them, and a second pattern with ~1% of signs flipped.
    a.f32().fill(1);
    k.forward(ZT.ptr, m, n, a.ptr, 1 / Math.sqrt(m), u.ptr, bits.ptr, wordsPerNeuron);
    const later = bits.words(), earlier = bits0.words();
    for (let w = 0; w < later.length; w++) earlier[w] = later[w] ^ (w % 7 === 0 ? 0x0101010101010101n : 0n);
    for (const buffer of [sameSize, dram]) buffer.words().fill(0x5555555555555555n);
    const fromZ = (): void => {
      parallel.rowMasksFromPreactivations(ZT.ptr, m, n, rowBits.ptr, wordsPerRow);
      parallel.gramFromMasks(rowBits.ptr, wordsPerRow, K.ptr, n, m, H.ptr);
    };
    fromZ();
    const HfromZ = H.toFloat64(); // a copy: net.gram allocates, which may detach a view
    const distance = relativeDistance(HfromZ, net.gram(X).data);
    if (!(distance < GRAM_TOLERANCE)) {
      throw new Error(`bench: H(0) from Z differs from net.gram(X) by ${distance.toExponential(2)} (relative Frobenius)`);
    }

    const names = {
      gram: 'overparam wasm: row masks + popcount Gram',
      masks: 'overparam wasm: row masks only (rowMasksFromPreactivations)',
      popcount: 'overparam wasm: popcount Gram only (gramFromMasks)',
      K: `overparam wasm: linearKernel (f64, ${threadCount()} thread(s))`,
      pattern: 'overparam wasm: countChangedBits on the step\'s neuron-major bits',
      sameSize: 'streamRead, same bytes',
      dram: 'streamRead, 64 MiB',
    };
    const timings = await interleaved([
      { name: names.gram, fn: fromZ },
      { name: names.masks, fn: () => parallel.rowMasksFromPreactivations(ZT.ptr, m, n, rowBits.ptr, wordsPerRow) },
      { name: names.popcount, fn: () => parallel.gramFromMasks(rowBits.ptr, wordsPerRow, K.ptr, n, m, H.ptr) },
      { name: names.K, fn: () => parallel.linearKernel(Xb.ptr, n, d, K.ptr) },
      { name: names.pattern, perRound: 20, fn: () => k.countChangedBits(bits.ptr, bits0.ptr, m * wordsPerNeuron) },
      { name: names.sameSize, perRound: 20, fn: () => k.streamRead(sameSize.ptr, sameSize.bytes) },
      { name: names.dram, perRound: 3, fn: () => k.streamRead(dram.ptr, dram.bytes) },
    ], rounds);
    const t = (name: string): Timing => timings.get(name)!;

    const hk = `H(k) from Z, n=${n} m=${m}`;
    const kk = `K = X Xᵀ (f64), n=${n} d=${d}`;
    const pc = `pattern-change fraction, n=${n} m=${m}`;
    const h0 = await interleaved([{ name: 'net.gram', fn: () => net.gram(X) }], Math.min(rounds, 3));
    const rows: ResultRow[] = [
      { workload: hk, implementation: names.gram, ours: true, headline: true, timing: t(names.gram) },
      { workload: hk, implementation: names.masks, ours: true, timing: t(names.masks) },
      { workload: hk, implementation: names.popcount, ours: true, timing: t(names.popcount) },
      { workload: kk, implementation: names.K, ours: true, headline: true, timing: t(names.K) },
      { workload: pc, implementation: names.pattern, ours: true, headline: true, timing: t(names.pattern) },
      {
        workload: `H(0) from the weights (net.gram, exact f64 signs), n=${n} d=${d} m=${m}`,
        implementation: 'overparam wasm: K, float32 Z = W Xᵀ, its signs with the doubtful ones in f64 (certifyRowMasks), popcount Gram', ours: true, headline: true,
        timing: h0.get('net.gram')!,
      },
    ];

    const popcountPairs = (n / 2) * (n / 2 + 1) * 4 * wordsPerRow / 2; // 2×2 tiles over j ≥ i
    const zBytes = 4 * m * n;
    const patternSpeed: PatternSpeed = {
      bytesRead: patternBytes,
      countGBs: gigaPerSecond(patternBytes, t(names.pattern).median),
      sameSizeReadGBs: gigaPerSecond(sameSize.bytes, t(names.sameSize).median),
      dramReadGBs: gigaPerSecond(dram.bytes, t(names.dram).median),
    };
    const masksGBs = gigaPerSecond(zBytes, t(names.masks).median);
    const onThreads = threadCount() > 1 ? ` on ${threadCount()} threads` : '';
    const efficiency: EfficiencyRow[] = [
      {
        kernel: `gramFromMasks (and + popcnt, scalar i64)${onThreads}`, size: `n=${n} m=${m}`, medianMs: t(names.popcount).median,
        work: `≈ n²/2·⌈m/64⌉ = ${(popcountPairs / 1e6).toPrecision(3)} M word pairs`,
        rate: gigaPerSecond(popcountPairs, t(names.popcount).median), unit: 'G word pairs/s',
      },
      {
        kernel: `rowMasksFromPreactivations${onThreads}`, size: `n=${n} m=${m}`, medianMs: t(names.masks).median,
        work: `reads ${(zBytes / 2 ** 20).toPrecision(3)} MiB of Z`,
        rate: masksGBs, unit: 'GB/s',
        fractionOfPeak: masksGBs / patternSpeed.dramReadGBs,
        ceiling: 'streamRead (DRAM)',
      },
      {
        kernel: 'countChangedBits', size: `${m}×⌈${n}/64⌉ words ×2`, medianMs: t(names.pattern).median,
        work: `reads ${(patternBytes / 2 ** 20).toPrecision(3)} MiB`,
        rate: patternSpeed.countGBs, unit: 'GB/s',
        fractionOfPeak: t(names.sameSize).median / t(names.pattern).median,
        ceiling: 'streamRead (same bytes)',
      },
    ];
    return { rows, efficiency, patternSpeed };
  } finally {
    freeAll(Xb, ZT, K, H, rowBits, a, u, bits, bits0, sameSize, dram);
    net.dispose();
  }
}

/** The linearKernel row of the efficiency table (f64 ceiling = half the f32x4 peak, times the threads). */
export function linearKernelEfficiency(rows: readonly ResultRow[], n: number, d: number, f32PeakGflops: number): EfficiencyRow {
  const row = rows.find((r) => r.implementation.includes('linearKernel') && r.workload.startsWith('K ='))!;
  const flops = n * (n + 1) * d; // upper triangle: n(n+1)/2 dots of 2d flops
  const rate = gigaPerSecond(flops, row.timing!.median);
  return {
    kernel: `linearKernel (f64x2, 2×4 blocks) on ${threadCount()} thread(s)`, size: `n=${n} d=${d}`, medianMs: row.timing!.median,
    work: `n(n+1)d = ${(flops / 1e9).toPrecision(3)} GFLOP`, rate, unit: 'GFLOP/s',
    fractionOfPeak: rate / (threadCount() * f32PeakGflops / 2), ceiling: `f64x2 peak (½ f32x4) × ${threadCount()} thread(s)`,
  };
}
