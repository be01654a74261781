// The training worker: owns the WebAssembly core, runs one width after another, and streams
// each step's numbers to the page in batches. train() is synchronous, so this worker cannot read
// messages mid-run; the page stops a run by terminating the worker and starting a fresh one.
import {
  convergenceBound, distanceBound, eigh, extremeEigenvalues, gramInfinity, infiniteWidthTrajectory, init, initialGramFloor,
  inputDiagnostics, kernelRegimeTrajectory, lambdaMin, spectralNormOfDifference, sphereData, train, trainingGramFloor, TwoLayerNet,
  type Matrix, type Optimizer, type StepInfo, type TrainResult,
} from '../../src/index';
import type { Analysis, DataSpec, HeatmapData, ModelSpec, Reply, Request, StepBatch } from './protocol';
import { CertificateStreamer } from './certificateStream';
import { limitLabel, limitOptions } from '../../src/experiments/limit';
import { assessDegeneracy, blockAverage, fingerprint, gramInterval, stepSizeAdvice } from './theory';

/** Largest heatmap resolution sent to the page. */
const HEATMAP_CELLS = 150;
/** A batch of steps is posted at least this often, so charts move while staying cheap to draw. */
const BATCH_MILLISECONDS = 50;

const ready = init();

function send(reply: Reply, transfer: Transferable[] = []): void {
  self.postMessage(reply, { transfer });
}

interface PreparedData {
  X: Matrix;
  y: Float32Array;
  Hinf: Matrix;
  analysis: Analysis;
}

/** The run's limit: H* of its activation at its κ (and slope), + K^a when the output layer trains (issue 12 §3). */
function limitModel(model: ModelSpec) {
  return {
    activation: model.activation, scale: model.scale, trainOutputLayer: model.joint,
    ...(model.activation === 'leakyRelu' ? { negativeSlope: model.negativeSlope } : {}),
  };
}

/** The kernel's name, with κ where it matters (ReLU's H∞ does not depend on κ: gramInfinity's `scale`). */
function kernelLabel(model: ModelSpec): string {
  const label = limitLabel(limitModel(model));
  return model.scale === 1 || (model.activation === 'relu' && !model.joint) ? label : `${label} at κ = ${model.scale}`;
}

function prepare(spec: DataSpec, model: ModelSpec, optimizer: Optimizer): PreparedData {
  const { X, y } = spec.kind === 'sphere'
    ? sphereData({ n: spec.n, d: spec.d, seed: spec.seed })
    : { X: { rows: spec.n, cols: spec.d, data: spec.X }, y: spec.y };
  const Hinf = gramInfinity(X, limitOptions(limitModel(model)));
  // Both ends of H∞'s spectrum from one Lanczos run.
  const { min: lambda0, max: top } = extremeEigenvalues(Hinf);
  return {
    X, y, Hinf,
    analysis: {
      kernel: kernelLabel(model),
      n: X.rows, d: X.cols, lambda0, lambdaMax: top,
      advice: stepSizeAdvice(lambda0, top, X.rows, optimizer),
      degeneracy: assessDegeneracy(inputDiagnostics(X), lambda0, top),
      inputsFingerprint: fingerprint(X.data),
      labelsFingerprint: fingerprint(y),
      kernelFingerprint: fingerprint(Hinf.data),
    },
  };
}

function heatmap(H: Matrix): HeatmapData {
  return blockAverage(H.data, H.rows, HEATMAP_CELLS);
}

/** Collects onStep reports and posts them in time-sliced batches. */
class StepStreamer {
  private fromStep = 0;
  private residualSq: number[] = [];
  private patternChangeFraction: number[] = [];
  private maxWeightDistance: number[] = [];
  private lambdaSteps: number[] = [];
  private lambdaValues: number[] = [];
  private lastFlush = performance.now();
  private stepZeroAt = NaN;
  private lastStepAt = NaN;

  constructor(private readonly id: number, private readonly widthIndex: number, private readonly startedAt: number,
              private readonly certificates?: CertificateStreamer) {}

  /** Whether train has reported a step (then the net has moved). */
  get started(): boolean {
    return !Number.isNaN(this.stepZeroAt);
  }

  readonly onStep = (info: StepInfo): void => {
    this.lastStepAt = performance.now();
    if (info.step === 0) this.stepZeroAt = this.lastStepAt;
    if (this.residualSq.length === 0) this.fromStep = info.step;
    this.residualSq.push(info.residualSq);
    this.patternChangeFraction.push(info.patternChangeFraction);
    this.maxWeightDistance.push(info.maxWeightDistance);
    if (info.lambdaMinGram !== undefined) {
      this.lambdaSteps.push(info.step);
      this.lambdaValues.push(info.lambdaMinGram);
    }
    // Steps 1 and 2 go out at once: their times are the page's first estimate of the run's length.
    if (info.step <= 2 || performance.now() - this.lastFlush >= BATCH_MILLISECONDS) {
      this.flush();
      this.certificates?.live(info);
    }
  };

  flush(): void {
    this.lastFlush = performance.now();
    if (this.residualSq.length === 0) return;
    const batch: StepBatch = {
      type: 'steps', id: this.id, widthIndex: this.widthIndex, fromStep: this.fromStep,
      residualSq: Float64Array.from(this.residualSq),
      patternChangeFraction: Float64Array.from(this.patternChangeFraction),
      maxWeightDistance: Float64Array.from(this.maxWeightDistance),
      lambdaSteps: this.lambdaSteps, lambdaValues: this.lambdaValues,
      setupSeconds: (this.stepZeroAt - this.startedAt) / 1000,
      stepSeconds: (this.lastStepAt - this.stepZeroAt) / 1000,
    };
    send(batch, [batch.residualSq.buffer, batch.patternChangeFraction.buffer, batch.maxWeightDistance.buffer]);
    this.residualSq = [];
    this.patternChangeFraction = [];
    this.maxWeightDistance = [];
    this.lambdaSteps = [];
    this.lambdaValues = [];
  }
}

function run(request: Extract<Request, { type: 'run' }>): void {
  const started = performance.now();
  const { id, widths, steps, seed, joint, model, optimizer } = request;
  const { X, y, Hinf, analysis } = prepare(request.data, model, optimizer);
  const part = joint ? 'both' as const : 'first' as const;
  const eta = request.eta ?? analysis.advice.suggested;
  const gramEvery = gramInterval(X.rows, steps);
  const gramInf = heatmap(Hinf);
  const { lambda0 } = analysis;
  const gramFloors = { initial: initialGramFloor(lambda0), training: trainingGramFloor(lambda0) };
  send({ type: 'runStart', id, eta, gramEvery, gramFloors, gramInfinity: gramInf, ...analysis }, [gramInf.data.buffer]);

  // One eigendecomposition of H∞ serves every width's infinite-width line (O(n) a step after it);
  // another optimiser's line follows its own kernel-regime recursion (as figure1 --optimizer does).
  const plainGd = optimizer.kind === 'gd';
  const HinfEigen = plainGd ? eigh(Hinf) : undefined;
  const n = X.rows;
  // Certificates until train refuses them for this model or optimiser (the same reason for every width).
  let certify = request.certificates;
  widths.forEach((m, widthIndex) => {
    const widthStarted = performance.now();
    // The paper's model passes no options, as before (the same net, bit for bit).
    const paper = model.activation === 'relu' && model.outputScale === 1 && model.widthExponent === 0.5 && model.outputInit === 'sign' &&
      model.scale === 1;
    const net = paper ? TwoLayerNet.random({ d: X.cols, m, seed }) : TwoLayerNet.random({
      d: X.cols, m, seed, outputScale: model.outputScale, widthExponent: model.widthExponent, outputInit: model.outputInit,
      activation: model.activation, scale: model.scale,
      ...(model.activation === 'leakyRelu' ? { negativeSlope: model.negativeSlope } : {}),
    });
    try {
      const u0 = net.predict(X);
      const r0 = new Float64Array(n);
      let r0Sq = 0;
      for (let i = 0; i < n; i++) {
        r0[i] = y[i] - u0[i];
        r0Sq += r0[i] * r0[i];
      }
      // λ0 ≤ 0 is round-off of a zero eigenvalue: the bound is then flat, not growing.
      const bound = convergenceBound(r0Sq, eta, Math.max(lambda0, 0), steps);
      const infiniteWidth = HinfEigen
        ? infiniteWidthTrajectory(HinfEigen, r0, eta, steps).residualSq
        : Array.from(kernelRegimeTrajectory(Hinf.data, n, eta, r0, steps, optimizer).residualSq);
      send({ type: 'widthStart', id, widthIndex, m, bound, infiniteWidth });

      const H0 = net.gram(X, { part });
      const options = {
        eta, steps, trainOutputLayer: joint, gramEvery, ...(plainGd ? {} : { optimizer }),
      };
      let streamer: StepStreamer | undefined;
      const attempt = (withCertificates: boolean): { result: TrainResult; streamer: StepStreamer; certificates?: CertificateStreamer } => {
        const certificates = withCertificates ? new CertificateStreamer(id, widthIndex, send) : undefined;
        streamer = new StepStreamer(id, widthIndex, widthStarted, certificates);
        // The limit's λ0 (required for ψ ≠ ReLU); ReLU's H∞ is the run's own, computed once.
        const proof = { lambda0, gramEvery, ...(model.activation === 'relu' && !joint ? { Hinf } : {}) };
        const result = train(net, X, y, { ...options, onStep: streamer.onStep, ...(withCertificates ? { certificates: proof } : {}) });
        return { result, streamer, certificates };
      };
      let run: ReturnType<typeof attempt>;
      try {
        run = attempt(certify);
      } catch (error) {
        // train checks certificates against the run before its first step: then the net is
        // untouched, and the run goes on without them, the page showing train's reason.
        if (!certify || streamer?.started) throw error;
        run = attempt(false);
        certify = false;
        send({ type: 'certificatesRefused', id, reason: error instanceof Error ? error.message : String(error) });
      }
      const { result, certificates } = run;
      run.streamer.flush();
      if (certificates && result.certificates) certificates.post(result.certificates, true);
      const Hk = net.gram(X, { part });
      const gram0 = heatmap(H0);
      const gramFinal = heatmap(Hk);
      send({
        type: 'widthDone', id, widthIndex, m,
        status: result.status, stepsRun: result.stepsRun, method: result.method,
        ...(result.divergence ? { divergenceMessage: result.divergence.message } : {}),
        residualSq: result.residualSq,
        patternChangeFraction: result.patternChangeFraction,
        maxWeightDistance: result.maxWeightDistance,
        fingerprints: {
          residualSq: fingerprint(result.residualSq),
          patternChangeFraction: fingerprint(result.patternChangeFraction),
          maxWeightDistance: fingerprint(result.maxWeightDistance),
        },
        lambdaMinH0: result.lambdaMinGram?.value[0] ?? lambdaMin(H0),
        lambdaMinFinal: lambdaMin(Hk),
        initialKernelGap: spectralNormOfDifference(H0, Hinf),
        kernelDrift: spectralNormOfDifference(Hk, H0),
        radiusBound: distanceBound({
          n, m, initialResidualNorm: Math.sqrt(r0Sq), lambda0, outputScale: model.outputScale, widthExponent: model.widthExponent,
        }),
        gram0, gramFinal,
        seconds: (performance.now() - widthStarted) / 1000,
      }, [gram0.data.buffer, gramFinal.data.buffer]);
    } finally {
      net.dispose();
    }
  });
  send({ type: 'runDone', id, seconds: (performance.now() - started) / 1000 });
}

self.addEventListener('message', (event: MessageEvent<Request>) => {
  const request = event.data;
  void ready.then(() => {
    if (request.type === 'analyse') {
      const { analysis } = prepare(request.data, request.model, request.optimizer);
      send({ type: 'analysis', id: request.id, ...analysis });
    } else {
      run(request);
    }
  }).catch((error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    send({
      type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error),
      ...(typeof code === 'string' ? { code } : {}),
    });
  });
});

void ready.then(() => send({ type: 'ready' }), (error: unknown) => {
  send({ type: 'error', id: -1, message: `could not load the WebAssembly core: ${error instanceof Error ? error.message : String(error)}` });
});
