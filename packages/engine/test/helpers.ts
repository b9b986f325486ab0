import { EngineError } from '../src/errors.js';
import { createSession, loadOrt, type OrtSession } from '../src/runtime/session.js';

/** Input values by name: float32 data with its dims, or any ORT-supported typed array. */
export type Feeds = Record<string, { data: Float32Array | BigInt64Array | Int32Array | Uint8Array; dims: number[] }>;

/** Runs a session on plain arrays and returns each output's data and dims. */
export async function runSession(session: OrtSession, feeds: Feeds): Promise<Record<string, { data: unknown; dims: readonly number[] }>> {
  const ort = await loadOrt();
  const tensors = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor(f.data, f.dims)]));
  const out = await session.run(tensors);
  return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, { data: t.data, dims: t.dims }]));
}

/** Loads model bytes, runs them once and releases the session. */
export async function runModel(bytes: Uint8Array, feeds: Feeds): Promise<Record<string, { data: unknown; dims: readonly number[] }>> {
  const session = await createSession(bytes, { intraOpNumThreads: 1 });
  try {
    return await runSession(session, feeds);
  } finally {
    await session.release();
  }
}

/** The EngineError `fn` throws; fails the test if it throws nothing or something else. */
export function errorOf(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
