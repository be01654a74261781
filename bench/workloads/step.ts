// One GD step (eq. 3–4) at n = d = 1000: this package (both step forms) against TF.js's wasm
// backend in its fast form and plain JS, in one process. Each peer that is timed is first checked
// against our primal step at that size, so the comparison is between equal computations.
import { estimateTrainingBytes, memoryInUse, sphereData, TwoLayerNet, type Matrix } from '../../src/index.js';
import { TrainingRun } from '../../src/training.js';
import { autoStepMethod } from '../../src/training/stepForm.js';
import { kernels } from '../../src/wasm/loader.js';
import { relativeDistance } from '../lib/compare.js';
import { interleaved, type TimedTask } from '../lib/measure.js';
import type { MemoryRow, ResultRow } from '../lib/report.js';
import { plainStep } from '../peers/plain_js.js';
import { TfjsStep } from '../peers/tfjs_step.js';

const ETA = 1e-3;

/** What one step size reports. */
export interface StepReport {
  rows: ResultRow[];
  memory: MemoryRow[];
  checks: PeerCheck[];
}

/** How far a peer's first step is from ours (float32 round-off expected). */
export interface PeerCheck {
  peer: string;
  m: number;
  /** ‖ΔW_peer − ΔW_ours‖_F / ‖ΔW_ours‖_F for the first step's update ΔW = W(1) − W(0). */
  updateRelativeError: number;
  /** |r_peer − r_ours| / r_ours for r = ‖u(0) − y‖². */
  residualRelativeError: number;
}

/** A peer's GD step on its own copy of the network: step() returns ‖u − y‖² before the step, weights() W after it. */
interface PeerStep {
  step(): number;
  weights(): ArrayLike<number>;
  dispose?(): void;
}

/** Bytes a fresh network + training run allocate, and what train() would reserve for them. */
export function measureRunBytes(X: Matrix, y: Float32Array, m: number, method: 'kernel' | 'primal'): MemoryRow {
  const before = memoryInUse().bytesInUse;
  const net = TwoLayerNet.random({ d: X.cols, m, seed: 2 });
  const run = new TrainingRun(net, X, y, method, ETA, false);
  const allocated = memoryInUse().bytesInUse - before;
  run.free();
  net.dispose();
  return {
    configuration: `n = ${X.rows}, d = ${X.cols}, m = ${m}, ${method}`,
    bytesAllocated: allocated,
    bytesEstimated: estimateTrainingBytes({ n: X.rows, d: X.cols, m, method }) + 4 * m * (X.cols + 1),
    wasmMemoryBytes: kernels().memory.buffer.byteLength,
  };
}

/** Checks a peer's first step, started from W(0) and a, against our primal step; throws beyond tolerance. */
function checkPeer(peer: string, X: Matrix, y: Float32Array, m: number,
                   start: (W0: Float32Array, a: Float32Array) => PeerStep): PeerCheck {
  const net = TwoLayerNet.random({ d: X.cols, m, seed: 3 });
  const { W, a } = net.weights();
  const W0 = W.data as Float32Array;
  const other = start(W0, a);
  const run = new TrainingRun(net, X, y, 'primal', ETA, false);
  try {
    const residualOurs = run.observe();
    run.step();
    const residualPeer = other.step();
    const W1 = net.weights().W.data, W1peer = other.weights();
    const update = Float64Array.from(W0, (w, k) => W1[k] - w);
    const updatePeer = Float64Array.from(W0, (w, k) => W1peer[k] - w);
    const check = {
      peer, m,
      updateRelativeError: relativeDistance(updatePeer, update),
      residualRelativeError: Math.abs(residualPeer - residualOurs) / residualOurs,
    };
    // float32 sums of length d and n: ~1e-5 relative; a sign flip of a z within round-off of 0
    // moves one term of one row, well below 1e-3 of the whole update.
    if (!(check.updateRelativeError < 1e-3 && check.residualRelativeError < 1e-4)) {
      throw new Error(`bench: ${peer}'s step disagrees with ours at m = ${m}: ${JSON.stringify(check)}`);
    }
    return check;
  } finally {
    run.free();
    net.dispose();
    other.dispose?.();
  }
}

/**
 * Times one GD step (forward pass + update, what train() does per step) at n, d, m.
 * plainRounds = 0 estimates plain JS from `plainEstimateFrom` (its time is linear in m).
 */
export async function benchStep(options: {
  n: number; d: number; m: number; rounds: number; tfjs: boolean;
  plainRounds: number; plainEstimateFrom?: { m: number; ms: number };
}): Promise<StepReport> {
  const { n, d, m, rounds, tfjs, plainRounds } = options;
  const workload = `GD step n=${n} d=${d} m=${m}`;
  const { X, y } = sphereData({ n, d, seed: 1 });
  const memory = [measureRunBytes(X, y, m, 'kernel'), measureRunBytes(X, y, m, 'primal')];
  const Xdata = X.data as Float32Array;
  const checks: PeerCheck[] = [];
  if (tfjs) checks.push(checkPeer('TF.js', X, y, m, (W0, a) => new TfjsStep(Xdata, W0, a, y, n, d, m, ETA)));
  if (plainRounds > 0) {
    checks.push(checkPeer('plain JS', X, y, m, (W0, a) => {
      const W = Float32Array.from(W0);
      return { step: () => plainStep(Xdata, W, a, y, n, d, m, ETA), weights: () => W };
    }));
  }

  const kernelNet = TwoLayerNet.random({ d, m, seed: 2 });
  const primalNet = TwoLayerNet.random({ d, m, seed: 2 });
  const { W, a } = kernelNet.weights();
  const kernelRun = new TrainingRun(kernelNet, X, y, 'kernel', ETA, false);
  const primalRun = new TrainingRun(primalNet, X, y, 'primal', ETA, false);
  const peer = tfjs ? new TfjsStep(Xdata, W.data as Float32Array, a, y, n, d, m, ETA) : undefined;
  const plainW = Float32Array.from(W.data);
  const auto = autoStepMethod(n, d);
  const names = {
    kernel: `overparam wasm, kernel-space step${auto === 'kernel' ? ' (auto)' : ''}`,
    primal: `overparam wasm, primal step${auto === 'primal' ? ' (auto)' : ''}`,
    tfjs: 'TF.js 4.22 wasm backend (fast form, 1 thread)',
    plain: 'plain JS Float32Array loops',
  };
  const tasks: TimedTask[] = [
    { name: names.kernel, fn: () => { kernelRun.observe(); kernelRun.step(); } },
    { name: names.primal, fn: () => { primalRun.observe(); primalRun.step(); } },
  ];
  if (peer) tasks.push({ name: names.tfjs, fn: () => peer.step() });
  if (plainRounds > 0) {
    tasks.push({
      name: names.plain, warmup: false, maxRounds: plainRounds,
      fn: () => plainStep(Xdata, plainW, a, y, n, d, m, ETA),
    });
  }
  try {
    const timings = await interleaved(tasks, rounds);
    const rows: ResultRow[] = [
      { workload, implementation: names.kernel, ours: true, headline: auto === 'kernel', timing: timings.get(names.kernel)! },
      { workload, implementation: names.primal, ours: true, headline: auto === 'primal', timing: timings.get(names.primal)! },
    ];
    if (peer) rows.push({ workload, implementation: names.tfjs, ours: false, timing: timings.get(names.tfjs)! });
    if (plainRounds > 0) {
      rows.push({ workload, implementation: names.plain, ours: false, timing: timings.get(names.plain)! });
    } else if (options.plainEstimateFrom) {
      const { m: m0, ms: t0 } = options.plainEstimateFrom;
      const estimate = (t0 * m) / m0;
      rows.push({
        workload, implementation: names.plain, ours: false, estimated: true,
        timing: { median: estimate, min: estimate, max: estimate, samples: 0 },
        note: `m = ${m0} time × ${m / m0} (4nmd flops, linear in m; --plain-full measures it)`,
      });
    }
    return { rows, memory, checks };
  } finally {
    kernelRun.free();
    primalRun.free();
    kernelNet.dispose();
    primalNet.dispose();
    peer?.dispose();
  }
}
