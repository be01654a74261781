// `npx tsx bench/optimizer_rates.ts [n d m steps]` (issue 13 §2/Done when): GD at its best step
// 2/(λ_max + λ0) against heavy ball at Polyak's pair (η*, β*), both from H(0)'s extreme
// eigenvalues, on sphereData with the paper's ReLU net: the measured ‖y − u(k)‖ per step beside the
// kernel-regime prediction from H(0) (kernelRegimeTrajectory) and the promised worst-mode factors.
import os from 'node:os';
import {
  extremeEigenvalues, init, kernelRegimeTrajectory, polyakParameters, sphereData, threadCount, train, TwoLayerNet, type Optimizer,
} from '../src/index.js';

const [n = 1000, d = 1000, m = 10_000, steps = 100] = process.argv.slice(2).map(Number);
await init({ threads: Number(process.env.OVERPARAM_THREADS ?? os.availableParallelism()) });
const { X, y } = sphereData({ n, d, seed: 0 });
const net0 = TwoLayerNet.random({ d, m, seed: 1 });
const H = net0.gram(X);
const { min: lambda0, max: lambdaMax } = extremeEigenvalues(H);
const u0 = net0.predict(X);
const e0 = Float64Array.from(u0, (v, i) => v - y[i]);
net0.dispose();
const p = polyakParameters(lambdaMax, lambda0);
console.log(`n = ${n}, d = ${d}, m = ${m}, ${steps} steps, ${threadCount()} thread(s)`);
console.log(`H(0): λ0 = ${lambda0.toPrecision(4)}, λ_max = ${lambdaMax.toPrecision(4)}, κ = ${p.kappa.toPrecision(4)}`);
console.log(`GD at η = 2/(λ_max + λ0) = ${p.gdEta.toPrecision(4)}: promised worst-mode factor ${p.gdRate.toPrecision(6)} per step`);
console.log(`heavy ball at η* = ${p.eta.toPrecision(4)}, β* = ${p.beta.toPrecision(4)}: promised ${p.rate.toPrecision(6)} per step`);
/** The mean factor of ‖e‖ per step over k ≤ upTo. */
const perStep = (r: ArrayLike<number>, upTo: number): number => Math.sqrt(r[upTo] / r[0]) ** (1 / upTo);
/** The last step before ‖e(k)‖/‖e(0)‖ falls under 1e-4, float32's round-off floor being near 1e-7. */
const aboveFloor = (r: ArrayLike<number>): number => {
  let k = 1;
  while (k + 1 < r.length && r[k + 1] > 1e-8 * r[0]) k++;
  return k;
};
for (const [name, eta, optimizer] of [['GD', p.gdEta, { kind: 'gd' }], ['heavy ball', p.eta, { kind: 'momentum', beta: p.beta }]] as [string, number, Optimizer][]) {
  const net = TwoLayerNet.random({ d, m, seed: 1 });
  const t0 = performance.now();
  const r = train(net, X, y, { eta, steps, optimizer });
  const ms = performance.now() - t0;
  net.dispose();
  const predicted = kernelRegimeTrajectory(H.data, n, eta, e0, steps, optimizer).residualSq;
  const upTo = aboveFloor(r.residualSq);
  let worst = 0;
  for (let k = 0; k <= steps; k++) worst = Math.max(worst, Math.abs(Math.sqrt(r.residualSq[k]) - Math.sqrt(predicted[k])) / Math.sqrt(predicted[0]));
  console.log(`${name}: ‖y − u(${steps})‖/‖y − u(0)‖ measured ${Math.sqrt(r.residualSq[steps] / r.residualSq[0]).toExponential(3)}, ` +
    `predicted ${Math.sqrt(predicted[steps] / predicted[0]).toExponential(3)}; mean factor per step over k ≤ ${upTo} measured ${perStep(r.residualSq, upTo).toPrecision(6)}, ` +
    `predicted ${perStep(predicted, upTo).toPrecision(6)}; max |measured − predicted| ‖e‖ / ‖e(0)‖ = ${worst.toExponential(2)}; ${r.status}, ${(ms / 1000).toFixed(1)} s`);
}
