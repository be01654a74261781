// Stress harness for the kernel threads (`npm run stress:threads`): many short runs of every
// threaded kernel and of both step forms on 2–4 threads, under deliberate oversubscription, each
// compared bit for bit (SHA-256) with one thread. Not a vitest file: it runs for as long as asked.
//
// init() fixes the thread count once per process, so every run happens in a child process: the
// parent starts one reference child on one thread, then keeps `--parallel` children on 2, 3 and 4
// threads running at once, beside `--load` busy-loop processes, so that the kernel threads are
// descheduled in the middle of jobs and hand-offs meet every interleaving the scheduler offers.
//
//   node --import tsx test/stress/threads.ts [--seconds 60] [--rounds 3] [--threads 2,3,4]
//        [--load <2 × cores>] [--parallel <cores>] [--only name,name] [--quick]
//        [--jitter <ms>] [--pin <cpu list>]
//
// --jitter sets OVERPARAM_THREAD_JITTER_MS for the children: every thread pauses a random time
// (up to that many ms) before it starts a job and before it reports it done (threads.ts,
// thread_worker.js), so that the jobs of a run overlap in orders the scheduler rarely picks.
// --pin moves every thread of a child onto those CPUs once its pool is up (taskset; the pool is
// sized before, since init() takes the thread count from the CPUs the process may use).
//
// Exit status 0 when every run matched the reference, 1 otherwise (the report names each
// mismatch: workload, thread count, child, round).
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

type Hashes = Record<string, string>;

const script = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Child: one thread count, `rounds` rounds of every workload, one JSON line per workload and round.

async function child(threads: number, rounds: number, only: string[] | undefined, quick: boolean, pin: string): Promise<void> {
  const lib = await import('../../src/index');
  const { kernels, threadPool } = await import('../../src/wasm/loader');
  const { WasmBuffer } = await import('../../src/wasm/memory');
  const parallel = await import('../../src/wasm/parallel');
  await lib.init({ threads });
  if (lib.threadCount() !== threads) throw new Error(`asked for ${threads} threads, got ${lib.threadCount()}`);
  if (pin) {
    const { execFileSync } = await import('node:child_process');
    execFileSync('taskset', ['-a', '-cp', pin, String(process.pid)], { stdio: 'ignore' });
  }
  const k = kernels();

  type Buffer = InstanceType<typeof WasmBuffer>;
  const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  /** A deterministic f32 fill in [−1, 1) (xorshift32): the same bits in every process. */
  const filled = (kind: 'f32' | 'f64', length: number, seed: number): Buffer => {
    const b = new WasmBuffer(kind, length);
    const v = kind === 'f32' ? b.f32() : b.f64();
    let s = (seed * 2654435761) >>> 0 || 1;
    for (let i = 0; i < length; i++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      v[i] = s / 2147483648 - 1;
    }
    return b;
  };
  /** Random mask bits with exactly `bits` valid bits a row (padding bits zero), `words` words a row. */
  const maskBits = (rows: number, words: number, bits: number, seed: number): Buffer => {
    const b = new WasmBuffer('u64', rows * words);
    const w = b.words();
    let s = (seed * 2246822519) >>> 0 || 1;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < words; j++) {
        let word = 0n;
        for (let half = 0; half < 2; half++) {
          s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
          word |= BigInt(s) << BigInt(32 * half);
        }
        const valid = Math.min(64, bits - 64 * j);
        w[r * words + j] = valid >= 64 ? word : valid <= 0 ? 0n : word & ((1n << BigInt(valid)) - 1n);
      }
    }
    return b;
  };
  const digest = (parts: ArrayBufferView[]): string => {
    const h = createHash('sha256');
    for (const p of parts) h.update(bytesOf(p));
    return h.digest('hex');
  };
  const freeAll = (...bs: Buffer[]): void => { for (const b of bs) b.free(); };

  const trainRun = (method: 'kernel' | 'primal', n: number, d: number, m: number, steps: number,
    trainOutputLayer: boolean, gramEvery?: number, activation: 'relu' | 'tanh' | 'gelu' | 'softplus' = 'relu',
    optimizer?: Parameters<typeof lib.train>[3]['optimizer']) => (): string => {
    const { X, y } = lib.sphereData({ n, d, seed: n + d });
    const net = lib.TwoLayerNet.random({ d, m, seed: m, activation });
    try {
      const r = lib.train(net, X, y, { eta: 0.2, steps, method, trainOutputLayer, gramEvery, ...(optimizer ? { optimizer } : {}) });
      const { W, a } = net.weights();
      // One short hash a part, so that a mismatch says which part differed.
      const parts: Record<string, ArrayBufferView> = {
        residualSq: r.residualSq, patterns: r.patternChangeFraction, distance: r.maxWeightDistance, W: W.data, a,
      };
      if (activation !== 'relu') {
        parts.predict = net.predict(X);
        parts.gram = net.gram(X, { part: 'both' }).data as Float64Array;
      }
      if (r.lambdaMinGram) parts.lambdaMinGram = Float64Array.from(r.lambdaMinGram.value);
      return Object.entries(parts).map(([name, part]) => `${name}=${digest([part]).slice(0, 12)}`).join(' ');
    } finally {
      net.dispose();
    }
  };

  // Sizes: every split threshold of src/wasm/parallel.ts is passed on 2, 3 and 4 threads; odd n,
  // m not a multiple of 64 and column counts with tails of 1–3 (mod 4), 16 and 32 where it matters.
  const s = quick ? 0.5 : 1;
  const M = (x: number): number => Math.max(64, Math.round(x * s));
  /** The GD step's masked sum on `rows` output rows of `cols` columns over `inputs` rows of P. */
  const maskedSum = (rows: number, cols: number, inputs: number, seed: number): string => {
    const words = Math.ceil(inputs / 64);
    const out = filled('f32', rows * cols, seed), P = filled('f32', inputs * cols, seed + 1), scale = filled('f32', rows, seed + 2);
    const bits = maskBits(rows, words, inputs, seed + 3);
    const scratch = new WasmBuffer('f32', parallel.maskedRowSumScratchBytes(cols, inputs, rows, threads) / 4);
    parallel.maskedRowSum(out.ptr, rows, cols, P.ptr, inputs, scale.ptr, -0.3, bits.ptr, words, words, scratch.ptr);
    const h = digest([out.f32()]);
    freeAll(out, P, scale, bits, scratch);
    return h;
  };
  const workloads: Record<string, () => string> = {
    // The reported case (n > 2d: 'auto' picks primal), and both step forms with joint training.
    [`train primal n=500 d=100 m=${M(10000)}`]: trainRun('primal', 500, 100, M(10000), 8, false),
    [`train primal joint n=300 d=301 m=${M(1801)}`]: trainRun('primal', 300, 301, M(1801), 10, true),
    [`train kernel joint n=201 d=120 m=${M(2700)} gramEvery`]: trainRun('kernel', 201, 120, M(2700), 10, true, 5),
    [`train kernel n=96 d=200 m=${M(4099)}`]: trainRun('kernel', 96, 200, M(4099), 10, false),
    // The dense forms (issue 12 §2): every light pass split (n·m ≥ 2^18 values a thread on 4 threads).
    [`train dense tanh kernel joint n=203 d=150 m=${M(5003)} gramEvery`]: trainRun('kernel', 203, 150, M(5003), 8, true, 4, 'tanh'),
    [`train dense gelu primal n=301 d=97 m=${M(3999)}`]: trainRun('primal', 301, 97, M(3999), 8, false, undefined, 'gelu'),
    [`train dense softplus primal joint n=130 d=61 m=${M(8195)}`]: trainRun('primal', 130, 61, M(8195), 6, true, undefined, 'softplus'),
    // The optimisers' extrapolation x ← x + β(x − x_prev) (issue 13 §1), split over S, Z and W.
    [`train kernel momentum n=201 d=150 m=${M(6003)}`]: trainRun('kernel', 201, 150, M(6003), 8, false, undefined, 'relu', { kind: 'momentum', beta: 0.5 }),
    [`train primal nesterov tanh n=300 d=97 m=${M(6001)}`]: trainRun('primal', 300, 97, M(6001), 6, false, undefined, 'tanh', { kind: 'nesterov', beta: 0.3 }),
    // SGD's kernel-space step over the batch's rows of K: gatherMaskBits splits from b·m = 2·2^18 on.
    [`train kernel sgd b=250 momentum n=301 d=200 m=${M(6003)}`]: trainRun('kernel', 301, 200, M(6003), 6, false, undefined, 'relu', { kind: 'sgd', batchSize: 250, momentum: 0.5, seed: 4 }),
    // denseGramCombine splits only from n ≈ 725 (n² values, 2^18 a share): a Gram of n = 1100 at small m.
    'gram dense tanh both n=1100 d=8 m=64': () => {
      const { X } = lib.sphereData({ n: 1100, d: 8, seed: 5 });
      const net = lib.TwoLayerNet.random({ d: 8, m: 64, seed: 6, activation: 'tanh' });
      try {
        return digest([net.gram(X, { part: 'both' }).data as Float64Array]);
      } finally {
        net.dispose();
      }
    },
    // net.gram of a smooth ψ in f64 (assembly/dense_net/gram.ts): Z in f64 split by neurons, the
    // feature rows by inputs (n·m ≥ 4·2^18), F Fᵀ by the upper triangle; n, m and d odd.
    [`gram f64 gelu both n=301 d=33 m=${M(3601) | 1}`]: () => {
      const m = M(3601) | 1;
      const { X } = lib.sphereData({ n: 301, d: 33, seed: 7 });
      const net = lib.TwoLayerNet.random({ d: 33, m, seed: 8, activation: 'gelu', outputInit: 'gaussian' });
      try {
        return digest([net.gram(X, { part: 'both' }).data as Float64Array]);
      } finally {
        net.dispose();
      }
    },
    gemmNT: () => {
      const rows = M(2003), cols = 301, inner = 67;
      const A = filled('f32', rows * inner, 1), B = filled('f32', cols * inner, 2), C = filled('f32', rows * cols, 3);
      parallel.gemmNT(A.ptr, B.ptr, C.ptr, rows, cols, inner);
      const h = digest([C.f32()]);
      freeAll(A, B, C);
      return h;
    },
    // Below 256 rows the masked sum replays active-row lists, from 256 on it reads subset-sum tables.
    'maskedRowSum (lists)': () => maskedSum(250, 301, 499, 4),
    'maskedRowSum (tables)': () => maskedSum(M(3001), 101, 500, 8),
    'gemmSubtractNN (W −= S X, the rebuild of W(k))': () => {
      const rows = M(1999), cols = 99, inner = 130;
      const W = filled('f32', rows * cols, 12), X = filled('f32', inner * cols, 13), S = filled('f32', rows * inner, 14);
      const packed = new WasmBuffer('f32', parallel.gemmSubtractScratchBytes(inner, cols) / 4);
      parallel.gemmSubtractNN(S.ptr, X.ptr, packed.ptr, W.ptr, rows, cols, inner);
      const h = digest([W.f32()]);
      freeAll(W, X, S, packed);
      return h;
    },
    'forward, distances, coefficients, output gradient': () => {
      const m = M(4001), n = 333, d = 50, words = Math.ceil(n / 64);
      const ZT = filled('f32', m * n, 16), ZT0 = filled('f32', m * n, 17), a = filled('f32', m, 18);
      const u = new WasmBuffer('f32', n), bits = new WasmBuffer('u64', m * words), e = filled('f32', n, 19);
      const S = filled('f32', m * n, 20), scale = filled('f32', m, 21), g = new WasmBuffer('f32', m);
      const W = filled('f32', m * d, 22), W0 = filled('f32', m * d, 23);
      parallel.forward(ZT.ptr, m, n, a.ptr, 1 / Math.sqrt(m), u.ptr, bits.ptr, words);
      parallel.accumulateCoefficients(S.ptr, ZT.ptr, m, n, e.ptr, scale.ptr, 0.7);
      const distances = Float64Array.of(
        parallel.maxDistanceFromCoefficients(S.ptr, ZT0.ptr, ZT.ptr, m, n), parallel.maxRowDistance(W.ptr, W0.ptr, m, d));
      parallel.outputLayerGradient(ZT.ptr, m, n, e.ptr, 1 / Math.sqrt(m), g.ptr);
      const h = digest([u.f32(), bits.words(), S.f32(), distances, g.f32()]);
      freeAll(ZT, ZT0, a, u, bits, e, S, scale, g, W, W0);
      return h;
    },
    'H(k): row masks, K = XXᵀ, Gram': () => {
      const n = 301, d = 67, m = M(2700), wordsPerRow = Math.ceil(m / 64);
      const X = filled('f32', n * d, 24), W = filled('f32', m * d, 25), ZT = new WasmBuffer('f32', m * n);
      const K = new WasmBuffer('f64', n * n), H = new WasmBuffer('f64', n * n), rowBits = new WasmBuffer('u64', n * wordsPerRow);
      parallel.gemmNT(W.ptr, X.ptr, ZT.ptr, m, n, d);
      parallel.linearKernel(X.ptr, n, d, K.ptr);
      parallel.rowMasksFromPreactivations(ZT.ptr, m, n, rowBits.ptr, wordsPerRow);
      parallel.gramFromMasks(rowBits.ptr, wordsPerRow, K.ptr, n, m, H.ptr);
      const h = digest([ZT.f32(), K.f64(), rowBits.words(), H.f64()]);
      freeAll(X, W, ZT, K, H, rowBits);
      return h;
    },
    'K = XXᵀ (n=400)': () => {
      const n = 400, d = 81;
      const X = filled('f32', n * d, 26), K = new WasmBuffer('f64', n * n);
      parallel.linearKernel(X.ptr, n, d, K.ptr);
      const h = digest([K.f64()]);
      freeAll(X, K);
      return h;
    },
    // The certificates' step pass (split by inputs) and H^⊥(k)e (masks split by words, rows by inputs).
    'certificates: S_i^⊥, flips, I1/I2, H^⊥(k)e': () => {
      const m = M(4001), n = 333;
      const ZT0 = filled('f32', m * n, 28), Zprev = filled('f32', m * n, 29), ZT = filled('f32', m * n, 30), a = filled('f32', m, 31);
      const threshold = filled('f32', n, 32), e = filled('f32', n, 33), K = filled('f64', n * n, 34);
      const t = threshold.f32();
      for (let i = 0; i < n; i++) t[i] = Math.abs(t[i]);
      const I1 = new WasmBuffer('f64', n), I2 = new WasmBuffer('f64', n), counts = new WasmBuffer('f32', 3 * n), Hp = new WasmBuffer('f64', n);
      const scratch = new WasmBuffer('f32', parallel.perturbationLayout(m, n, threads).bytes / 4);
      parallel.perturbation(ZT0.ptr, Zprev.ptr, m, n, threshold.ptr, K.ptr, e.ptr, Hp.ptr, scratch.ptr);
      parallel.certificateStep(ZT0.ptr, Zprev.ptr, ZT.ptr, m, n, a.ptr, 1 / Math.sqrt(m), threshold.ptr, I1.ptr, I2.ptr, counts.ptr);
      const h = digest([Hp.f64(), I1.f64(), I2.f64(), counts.f32(), Zprev.f32()]);
      freeAll(ZT0, Zprev, ZT, a, threshold, e, K, I1, I2, counts, Hp, scratch);
      return h;
    },
    'Cholesky panel updates (n=300)': () => {
      // The panel loop of spectra.ts's factorShifted on A = G Gᵀ/n + I (positive definite).
      const n = 300, g = filled('f32', n * 40, 27), A = new WasmBuffer('f64', n * n), L = new WasmBuffer('f64', n * n);
      parallel.linearKernel(g.ptr, n, 40, A.ptr);
      const view = A.f64();
      for (let i = 0; i < n; i++) view[i * n + i] += 1;
      k.choleskyLoad(A.ptr, n, 0, L.ptr);
      const panel = k.choleskyPanelWidth();
      let status = 0;
      for (let j0 = 0; j0 < n && status === 0; j0 += panel) {
        const j1 = Math.min(n, j0 + panel);
        parallel.choleskyPanelUpdate(L.ptr, n, j0, n, j0, j1, 0, j0);
        status = k.choleskyPanelFactor(L.ptr, n, j0, j1);
      }
      const h = digest([L.f64(), Int32Array.of(status)]);
      freeAll(g, A, L);
      return h;
    },
    'eigh, eigvalsh, lambdaMin (Householder split, shift-invert)': () => {
      const { X } = lib.sphereData({ n: 257, d: 30, seed: 28 });
      const H = lib.gramInfinity(X);
      const { values, vectors } = lib.eigh(H);
      const extremes = lib.extremeEigenvalues(H);
      return digest([lib.eigvalsh(H), values, vectors.data as Float64Array,
        Float64Array.of(lib.lambdaMin(H), extremes.min, extremes.max, extremes.iterations)]);
    },
    // The hand-off itself: back-to-back runs of tiny jobs (no split threshold in the way) of a
    // kernel that is not idempotent, S += …, so that a job run twice (issue 11 §2's race) shows.
    'hand-off: 400 tiny runs of S += …': () => {
      const pool = threadPool(), m = 48, n = 20;
      const S = new WasmBuffer('f32', m * n), ZT = filled('f32', m * n, 32), e = filled('f32', n, 33), scale = filled('f32', m, 34);
      const call = (a: number[]): void => k.accumulateCoefficients(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      for (let run = 0; run < 400; run++) {
        // Each run adds the same to every row whatever the split: 2 … size jobs in turn, so that
        // some workers sit out some runs; on one thread, the whole on the caller.
        const parts = pool ? 2 + (run % (pool.size - 1)) : 1, rows = Math.floor(m / parts);
        const jobs = Array.from({ length: parts }, (_, t) => {
          const r0 = t * rows, r1 = t === parts - 1 ? m : r0 + rows;
          return [S.ptr + 4 * r0 * n, ZT.ptr + 4 * r0 * n, r1 - r0, n, e.ptr, scale.ptr + 4 * r0, 0.01];
        });
        if (pool) pool.run(call, 'accumulateCoefficients', jobs);
        else call(jobs[0]);
      }
      const h = digest([S.f32()]);
      freeAll(S, ZT, e, scale);
      return h;
    },
    'after memory.grow': () => {
      // Fresh pages every round: the ballast stays allocated, so these buffers land above every
      // earlier high-water mark and the workers touch memory grown since their last job.
      ballast.push(new WasmBuffer('f32', (1 << 20) + 17));
      const m = 1201, n = 257, d = 33, words = Math.ceil(n / 64);
      const W = filled('f32', m * d, 29), X = filled('f32', n * d, 30), ZT = new WasmBuffer('f32', m * n);
      const a = filled('f32', m, 31), u = new WasmBuffer('f32', n), bits = new WasmBuffer('u64', m * words);
      parallel.gemmNT(W.ptr, X.ptr, ZT.ptr, m, n, d);
      parallel.forward(ZT.ptr, m, n, a.ptr, 1 / Math.sqrt(m), u.ptr, bits.ptr, words);
      const h = digest([ZT.f32(), u.f32(), bits.words()]);
      freeAll(W, X, ZT, a, u, bits);
      return h;
    },
  };
  const ballast: Buffer[] = [];
  const names = Object.keys(workloads).filter((name) => !only || only.some((o) => name.includes(o)));
  for (let round = 0; round < rounds; round++) {
    // A different order each round, so that jobs of every size follow each other.
    const order = names.map((name, i) => ({ name, key: (i * 7919 + round * 104729) % 1009 })).sort((p, q) => p.key - q.key);
    for (const { name } of order) {
      let hash: string;
      try {
        hash = workloads[name]();
      } catch (error) {
        hash = `error: ${error instanceof Error ? error.message : String(error)}`;
      }
      process.stdout.write(JSON.stringify({ name, round, hash }) + '\n');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parent.

interface Options {
  seconds: number; rounds: number; threads: number[]; load: number; parallel: number; only?: string[]; quick: boolean;
  jitter: number; pin: string;
}

function parseOptions(argv: string[]): Options {
  const cores = availableParallelism();
  const o: Options = { seconds: 60, rounds: 3, threads: [2, 3, 4], load: 2 * cores, parallel: cores, quick: false, jitter: 0, pin: '' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i], value = argv[i + 1];
    const number = (): number => {
      const v = Number(value);
      if (!Number.isInteger(v) || v < 0) throw new Error(`stress:threads: ${flag} needs a whole number, got ${value}`);
      i++;
      return v;
    };
    if (flag === '--seconds') o.seconds = number();
    else if (flag === '--rounds') o.rounds = Math.max(1, number());
    else if (flag === '--load') o.load = number();
    else if (flag === '--parallel') o.parallel = Math.max(1, number());
    else if (flag === '--threads') { o.threads = value.split(',').map(Number); i++; }
    else if (flag === '--only') { o.only = value.split(','); i++; }
    else if (flag === '--quick') o.quick = true;
    else if (flag === '--jitter') o.jitter = number();
    else if (flag === '--pin') { o.pin = value; i++; }
    else throw new Error(`stress:threads: unknown flag ${flag}`);
  }
  if (!o.threads.every((t) => Number.isInteger(t) && t >= 2)) throw new Error('stress:threads: --threads takes counts ≥ 2');
  return o;
}

interface ChildResult { threads: number; lines: { name: string; round: number; hash: string }[]; code: number | null; stderr: string }

function runChild(threads: number, o: Options, rounds: number): { process: ChildProcess; done: Promise<ChildResult> } {
  const args = ['--import', 'tsx', script, '--child', String(threads), String(rounds), o.only?.join(',') ?? '', o.quick ? '1' : '0',
    threads > 1 ? o.pin : ''];
  const env = { ...process.env, OVERPARAM_THREAD_JITTER_MS: threads > 1 ? String(o.jitter) : '0' };
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '', err = '';
  p.stdout!.on('data', (c) => { out += c; });
  p.stderr!.on('data', (c) => { err += c; });
  const done = new Promise<ChildResult>((resolve) => {
    p.on('close', (code) => resolve({
      threads, code, stderr: err,
      lines: out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)),
    }));
  });
  return { process: p, done };
}

async function parent(o: Options): Promise<number> {
  const started = Date.now();
  console.log(`stress:threads: ${availableParallelism()} cores; threads ${o.threads.join(', ')}; ${o.parallel} children at once, ` +
    `${o.load} busy-loop processes, ${o.rounds} rounds a child, ${o.seconds} s${o.quick ? ' (quick sizes)' : ''}` +
    `${o.jitter ? `, jitter up to ${o.jitter} ms` : ''}${o.pin ? `, children pinned to CPUs ${o.pin}` : ''}`);
  const reference = await runChild(1, o, 1).done;
  if (reference.code !== 0) {
    console.error(`the one-thread reference failed (exit ${reference.code}):\n${reference.stderr}`);
    return 1;
  }
  const expected: Hashes = {};
  for (const l of reference.lines) {
    if (l.hash.startsWith('error')) {
      console.error(`the one-thread reference failed on ${l.name}: ${l.hash}`);
      return 1;
    }
    expected[l.name] = l.hash;
  }
  console.log(`reference (1 thread): ${Object.keys(expected).length} workloads in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // Oversubscription: busy loops that compete with the kernel threads for the cores.
  const busy: ChildProcess[] = [];
  for (let i = 0; i < o.load; i++) busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const stopBusy = (): void => { for (const b of busy) if (b.exitCode === null) b.kill('SIGKILL'); };
  process.once('exit', stopBusy);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { stopBusy(); process.exit(130); });

  const runs = new Map<string, { runs: number; bad: number }>();
  const mismatches: string[] = [];
  let children = 0, failedChildren = 0, next = 0;
  const deadline = Date.now() + o.seconds * 1000;
  const running = new Set<Promise<void>>();
  const launch = (): void => {
    const threads = o.threads[next++ % o.threads.length];
    const id = ++children;
    const job = runChild(threads, o, o.rounds).done.then((r) => {
      if (r.code !== 0) {
        failedChildren++;
        mismatches.push(`child ${id} (${threads} threads) exited with ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      }
      for (const l of r.lines) {
        const key = `${l.name} @ ${threads} threads`;
        const entry = runs.get(key) ?? { runs: 0, bad: 0 };
        entry.runs++;
        if (l.hash !== expected[l.name]) {
          entry.bad++;
          const want = expected[l.name].split(' '), got = l.hash.split(' ');
          const differing = got.length > 1 ? got.filter((part, i) => part !== want[i]).join(' ') : l.hash.slice(0, 16);
          mismatches.push(`${l.name}: ${threads} threads, child ${id}, round ${l.round}: ${differing} (one thread: ${want.length > 1 ? want.filter((p, i) => p !== got[i]).join(' ') : want[0].slice(0, 16)})`);
        }
        runs.set(key, entry);
      }
    });
    running.add(job);
    void job.finally(() => running.delete(job));
  };
  try {
    while (Date.now() < deadline || children === 0) {
      while (running.size < o.parallel && (Date.now() < deadline || children === 0)) launch();
      await Promise.race(running);
    }
    await Promise.all(running);
  } finally {
    stopBusy();
  }

  let total = 0, bad = 0;
  for (const [key, entry] of [...runs].sort()) {
    total += entry.runs;
    bad += entry.bad;
    console.log(`${entry.bad === 0 ? 'ok  ' : 'FAIL'} ${String(entry.runs).padStart(5)} runs, ${String(entry.bad).padStart(4)} mismatches  ${key}`);
  }
  for (const m of mismatches.slice(0, 30)) console.log(`  ${m}`);
  if (mismatches.length > 30) console.log(`  … ${mismatches.length - 30} more`);
  console.log(`stress:threads: ${total} runs in ${children} children (${failedChildren} failed), ${bad} differed from one thread, ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s`);
  return bad === 0 && failedChildren === 0 ? 0 : 1;
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  await child(Number(argv[1]), Number(argv[2]), argv[3] ? argv[3].split(',') : undefined, argv[4] === '1', argv[5] ?? '');
} else {
  process.exitCode = await parent(parseOptions(argv));
}
