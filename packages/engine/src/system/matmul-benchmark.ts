/**
 * The ONNX Runtime fp32 MatMul the system check verifies and times. Both operands are graph
 * inputs, never initializers: ONNX Runtime would fold a MatMul of two constants at load time
 * and the benchmark would time nothing.
 */
import type { MatmulBenchmark } from '@qlora-studio/contracts';
import { EngineError } from '../errors.js';
import { throwIfAborted } from '../jobs/reporter.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { maxRelativeError } from '../reference/compare.js';
import { matmulForward } from '../reference/matmul.js';
import { createSession, loadOrt } from '../runtime/session.js';
import { randomUniform, seededRng } from '../util/random.js';

/** Relative error (floor 1) allowed between ONNX Runtime's fp32 MatMul and the float64-accumulated reference. */
export const MATMUL_TOLERANCE = 1e-4;

/** The model y = a · b with a: (M, K), b: (K, N), y: (M, N). */
export function matmulModel(M: number, K: number, N: number): Uint8Array {
  const g = new GraphBuilder('matmul');
  const a = g.input('a', 'float32', [M, K]);
  const b = g.input('b', 'float32', [K, N]);
  const y = g.op('MatMul', [a, b], {}, { output: 'y' });
  g.output(y, 'float32', [M, N]);
  return g.toModelBytes();
}

/**
 * Runs ONNX Runtime's MatMul on a small odd-shaped product and compares it with
 * `matmulForward`. Throws `EngineError('ORT_RESULT_MISMATCH')` if they disagree.
 * @returns the largest relative error seen.
 */
export async function verifyOrtMatmul(M = 7, K = 13, N = 5): Promise<number> {
  const ort = await loadOrt();
  const rng = seededRng(20240601);
  const a = randomUniform(M * K, rng);
  const b = randomUniform(K * N, rng);
  const session = await createSession(matmulModel(M, K, N), { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ a: new ort.Tensor('float32', a, [M, K]), b: new ort.Tensor('float32', b, [K, N]) });
    const got = out['y']?.data;
    if (!(got instanceof Float32Array)) throw new EngineError('ORT_RESULT_MISMATCH', 'ONNX Runtime MatMul returned no float32 output.');
    const mismatch = maxRelativeError(got, matmulForward(a, b, M, K, N));
    if (!(mismatch.maxError <= MATMUL_TOLERANCE)) {
      throw new EngineError(
        'ORT_RESULT_MISMATCH',
        `ONNX Runtime's MatMul (${M}×${K} by ${K}×${N}) disagrees with the reference: element ${mismatch.index} is ` +
          `${mismatch.got} but should be ${mismatch.want} (relative error ${mismatch.maxError.toExponential(2)}, ` +
          `allowed ${MATMUL_TOLERANCE}).`,
      );
    }
    return mismatch.maxError;
  } finally {
    await session.release();
  }
}

/** How one thread setting of the benchmark runs. */
export interface MatmulTiming {
  /** N of the N×N×N product. */
  size: number;
  /** ONNX Runtime intra-op threads. */
  threads: number;
  /** Keep running until this much time has been spent on timed runs. */
  seconds: number;
  signal: AbortSignal;
  /** Called after each timed run with the seconds spent so far. */
  onRun?: (elapsedSeconds: number) => void;
}

/**
 * Times an fp32 N×N×N MatMul: one untimed warm-up run, then runs until `seconds` have passed
 * (at least one). Checks `signal` between runs and throws an AbortError when it is aborted.
 */
export async function timeMatmul(timing: MatmulTiming): Promise<MatmulBenchmark> {
  const { size: n, threads, seconds, signal } = timing;
  const ort = await loadOrt();
  const rng = seededRng(n);
  const feeds = {
    a: new ort.Tensor('float32', randomUniform(n * n, rng), [n, n]),
    b: new ort.Tensor('float32', randomUniform(n * n, rng), [n, n]),
  };
  const session = await createSession(matmulModel(n, n, n), { intraOpNumThreads: threads });
  try {
    throwIfAborted(signal, 'The system check');
    await session.run(feeds); // warm-up: first run plans memory and spins up the thread pool
    let runs = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      throwIfAborted(signal, 'The system check');
      await session.run(feeds);
      runs++;
      elapsed = (performance.now() - start) / 1000;
      timing.onRun?.(elapsed);
    } while (elapsed < seconds);
    const gflops = (2 * n * n * n * runs) / elapsed / 1e9;
    return { threads, m: n, n, k: n, runs, seconds: elapsed, gflops };
  } finally {
    await session.release();
  }
}
