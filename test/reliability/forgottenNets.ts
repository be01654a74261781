// Run by memory.test.ts with --expose-gc: nets dropped without dispose() are freed by the
// FinalizationRegistry backstop once the garbage collector reclaims them.
import { init, memoryInUse, TwoLayerNet } from '../../src/index';

await init({ threads: 1 });
const gc = (globalThis as { gc?: () => void }).gc!;
const baseline = memoryInUse().bytesInUse;
(() => { for (let seed = 0; seed < 200; seed++) TwoLayerNet.random({ d: 50, m: 100, seed }); })();
const held = memoryInUse().bytesInUse - baseline;
for (let round = 0; round < 50 && memoryInUse().bytesInUse > baseline; round++) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 10)); // finalizers run between tasks
}
console.log(JSON.stringify({ held, after: memoryInUse().bytesInUse - baseline }));
