// Run by edges.test.ts in a fresh process, where init() has not run: prints each entry point's error code.
import {
  sphereData, TwoLayerNet, gramInfinity, inputDiagnostics, eigvalsh, eigh, lambdaMin, lambdaMax,
  extremeEigenvalues, spectralNormOfDifference, memoryInUse, suggestStepSize, type Matrix,
} from '../../src/index';

const H: Matrix = { rows: 2, cols: 2, data: new Float64Array([2, 1, 1, 2]) };
const X: Matrix = { rows: 2, cols: 2, data: new Float32Array([1, 0, 0, 1]) };
const calls: Record<string, () => unknown> = {
  sphereData: () => sphereData({ n: 2, d: 2 }),
  'TwoLayerNet.random': () => TwoLayerNet.random({ d: 2, m: 2 }),
  'TwoLayerNet.fromWeights': () => TwoLayerNet.fromWeights(X, new Float32Array(2)),
  gramInfinity: () => gramInfinity(X),
  inputDiagnostics: () => inputDiagnostics(X),
  eigvalsh: () => eigvalsh(H),
  eigh: () => eigh(H),
  lambdaMin: () => lambdaMin(H),
  lambdaMax: () => lambdaMax(H),
  extremeEigenvalues: () => extremeEigenvalues(H),
  spectralNormOfDifference: () => spectralNormOfDifference(H, H),
  memoryInUse: () => memoryInUse(),
  suggestStepSize: () => suggestStepSize(X),
};
const codes: Record<string, string> = {};
for (const [name, call] of Object.entries(calls)) {
  try {
    call();
    codes[name] = 'no error';
  } catch (error) {
    codes[name] = (error as { code?: string }).code ?? String(error);
  }
}
console.log(JSON.stringify(codes));
