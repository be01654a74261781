// A kernel thread (plain JavaScript so Node runs it from src/ and dist/ alike, and bundlers see
// `new Worker(new URL('./thread_worker.js', import.meta.url))`). It instantiates the shared-memory
// build on the memory the main instance owns, never allocates, and runs one kernel on a row range
// whenever the main thread bumps its sequence number (see threads.ts for the control layout).

/** Milliseconds a thread watches for its next job before it sleeps (see threads.ts, SPIN_MS). */
const SPIN_MS = 0.5;

const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node);

/**
 * Stress harness only (test/stress/threads.ts --jitter): OVERPARAM_THREAD_JITTER_MS > 0 makes a
 * thread pause a random 0 … that many ms before it starts a job and before it reports it done,
 * sometimes spinning, sometimes sleeping, so that jobs overlap in orders the scheduler rarely picks.
 */
const JITTER_MS = (isNode && Number(process.env.OVERPARAM_THREAD_JITTER_MS)) || 0;
const jitterCell = JITTER_MS > 0 ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
function jitter() {
  if (!jitterCell) return;
  const ms = Math.random() * Math.random() * JITTER_MS;
  if (Math.random() < 0.5) Atomics.wait(jitterCell, 0, 0, ms);
  else for (const end = performance.now() + ms; performance.now() < end;);
}

/** "Name: message" of anything thrown, for the caller's THREAD_FAILED error. */
function describe(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function start(init, reply) {
  const { module, memory, control, args, results, messages, index, kernelNames, argsPerJob, controlWords, messageBytes } = init;
  let kernels;
  try {
    const { exports } = await WebAssembly.instantiate(module, {
      env: {
        memory,
        abort() { throw new Error('a kernel aborted'); },
        // Only the main thread forks; a worker runs the parts it is given.
        householderParallelPass() { throw new Error('a worker thread tried to fork'); },
      },
    });
    kernels = kernelNames.map((name) => exports[name]);
  } catch (error) {
    reply({ error: describe(error) });
    return;
  }
  const sequenceSlot = index * controlWords, doneSlot = sequenceSlot + 1, errorSlot = sequenceSlot + 2;
  const base = index * argsPerJob;
  const message = messages.subarray(index * messageBytes, (index + 1) * messageBytes);
  const encoder = new TextEncoder();
  reply('ready');
  let seen = 0;
  for (;;) {
    // Spin a little before sleeping: kernels often come in quick succession (one per Householder
    // step, several per GD step), and waking a sleeping thread costs tens of microseconds.
    const spinEnd = performance.now() + SPIN_MS;
    while (Atomics.load(control, sequenceSlot) === seen && performance.now() < spinEnd);
    // A wake-up is only a hint: sleep until the word really differs from the job last run. The
    // caller stores a job's number, then notifies; if it is descheduled between the two, this
    // thread can see the number while spinning, run the job, finish, and be asleep on the same
    // number when that late notify arrives. Atomics.wait then returns "ok" with nothing new, and
    // a single wait here ran the finished job a second time, racing the caller, who had already
    // moved on (the intermittent mismatches of issue 11 §2: an accumulation added twice).
    // Happens-before is unchanged: the job's arguments are read only after an Atomics.load that
    // returned the number the caller stored after writing them.
    while (Atomics.load(control, sequenceSlot) === seen) Atomics.wait(control, sequenceSlot, seen);
    seen = Atomics.load(control, sequenceSlot);
    if (seen < 0) return; // shutdown
    jitter();
    try {
      const kernel = kernels[args[base]];
      const count = args[base + 1];
      results[index] = kernel(...Array.from(args.subarray(base + 2, base + 2 + count))) ?? 0;
      Atomics.store(control, errorSlot, 0);
    } catch (error) {
      // The caller is blocked in Atomics.wait, so the message travels through shared memory: its
      // UTF-8 bytes (cut to the slot) here, their count + 1 in the error word.
      const { written } = encoder.encodeInto(describe(error), message);
      Atomics.store(control, errorSlot, written + 1);
    }
    jitter();
    // Publishes the result, the error word and the message above.
    Atomics.store(control, doneSlot, seen);
    Atomics.notify(control, doneSlot);
  }
}

// No top-level await: webpack emits this file as an asset and minifies it as a classic script.
if (isNode) {
  import(/* @vite-ignore */ /* webpackIgnore: true */ 'node:worker_threads').then(({ parentPort }) => {
    parentPort.once('message', (init) => start(init, (m) => parentPort.postMessage(m)));
  });
} else {
  self.onmessage = (event) => { self.onmessage = null; start(event.data, (m) => self.postMessage(m)); };
}
