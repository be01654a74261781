// One Figure 1(a) per activation at the demo's size (n = 100, d = 10, m = 100 / 1 000 / 10 000,
// 200 steps), made by the CLI, and the table of λ0 = λ_min(H*) behind README's "One figure per
// activation": `npm run build && node scripts/activation-figures.mjs`. Writes the runs to
// out/activations/<ψ>/ and copies each fig1a-training-error.svg to docs/activations/<ψ>.svg.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';

const ACTIVATIONS = ['relu', 'leakyRelu', 'softplus', 'sigmoid', 'tanh', 'erf', 'gelu', 'quadratic', 'linear'];
const only = process.argv.slice(2);
mkdirSync('docs/activations', { recursive: true });
const rows = [];
for (const activation of only.length > 0 ? only : ACTIVATIONS) {
  const out = `out/activations/${activation}`;
  const args = ['dist/cli/main.js', 'figure1', '--n', '100', '--d', '10', '--widths', '100,1000,10000', '--steps', '200',
    '--test-points', '0', '--activation', activation, '--out', out];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  // Exit 3: finished, a check failed (as it should for ψ whose λ0 is 0): the figure is still written.
  if (run.status !== 0 && run.status !== 3) throw new Error(`${args.join(' ')} exited ${run.status}:\n${run.stderr}`);
  const { result } = JSON.parse(readFileSync(`${out}/results.json`, 'utf8'));
  copyFileSync(`${out}/fig1a-training-error.svg`, `docs/activations/${activation}.svg`);
  const widest = result.summaries[result.summaries.length - 1];
  const last = widest.residualSq.length - 1;
  rows.push({
    activation, lambda0: result.lambda0, lambdaMax: result.lambdaMaxInfinity, eta: result.parameters.eta,
    ratio: widest.residualSq[last] / widest.residualSq[0], rate: widest.convergenceRate,
  });
}
const f = (v, digits = 3) => (v === null ? '—' : Math.abs(v) < 1e-12 ? '0' : v.toPrecision(digits));
console.log('| ψ | λ0 = λ_min(H*) | λ_max(H*) | λ0/λ_max | η | ‖y − u(200)‖²/‖y − u(0)‖² at m = 10 000 |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.activation} | ${f(r.lambda0)} | ${f(r.lambdaMax)} | ${f(r.lambda0 / r.lambdaMax)} | ${f(r.eta)} | ${f(r.ratio)} |`);
}
