// `overparam/inline`: the same API as `overparam`, with the WebAssembly core inside the JavaScript
// (base64, about 130 kB for both builds) instead of beside it. Nothing to copy, serve or configure:
// it works under any bundler (Vite's dev server pre-bundles a dependency away from its .wasm), on
// a plain page and from a CDN. The streaming entry compiles while downloading and caches the
// .wasm separately; this one costs a base64 decode (about a millisecond) and a larger script.
import { setEntryBuilds } from './wasm/loader.js';
import { shared, single, threadWorker } from '../build/overparam-inline.js';

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let workerUrl: string | undefined;

setEntryBuilds(
  () => ({ single: decodeBase64(single), shared: decodeBase64(shared) }),
  // In a browser the kernel threads start from a blob: URL of their script, so they need no file
  // either; Node starts them from dist/wasm/thread_worker.js, which the package always holds.
  () => {
    if (typeof process !== 'undefined' && process.versions?.node) return undefined;
    workerUrl ??= URL.createObjectURL(new Blob([threadWorker], { type: 'text/javascript' }));
    return workerUrl;
  },
);

export * from './index.js';
