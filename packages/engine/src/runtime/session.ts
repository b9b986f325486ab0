/**
 * ONNX Runtime sessions from model bytes.
 *
 * `onnxruntime-node` is loaded on first use, not at import: its native library loads with it,
 * and a machine where that fails should still be able to import the engine and say why
 * (see `checkEngine`), rather than crash whoever imported it.
 */
import type * as Ort from 'onnxruntime-node';

/** The `onnxruntime-node` module. */
export type OrtModule = typeof Ort;
/** An ONNX Runtime inference session. */
export type OrtSession = Ort.InferenceSession;
/** An ONNX Runtime tensor. */
export type OrtTensor = Ort.Tensor;

let ortPromise: Promise<OrtModule> | undefined;

/** Loads `onnxruntime-node` once; later calls share the same module. */
export function loadOrt(): Promise<OrtModule> {
  ortPromise ??= import('onnxruntime-node').catch((error: unknown) => {
    // Forget the failure so a later call retries instead of repeating a stale error.
    ortPromise = undefined;
    throw error;
  });
  return ortPromise;
}

/** Options for `createSession`. */
export interface SessionOptions {
  /** Threads one operator may use; ONNX Runtime's default is one per physical core. */
  intraOpNumThreads?: number;
  /** How much ONNX Runtime rewrites the graph before running it (default 'all'). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** Creates a CPU inference session from serialized `ModelProto` bytes. */
export async function createSession(modelBytes: Uint8Array, options: SessionOptions = {}): Promise<OrtSession> {
  const ort = await loadOrt();
  return ort.InferenceSession.create(modelBytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    // Our graphs are chains of large ops: parallelism belongs inside each op, not between them.
    executionMode: 'sequential',
    ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
  });
}

/** The ONNX Runtime version in use, e.g. '1.30.0' (loads ONNX Runtime if needed). */
export async function onnxRuntimeVersion(): Promise<string> {
  const ort = await loadOrt();
  return ort.env.versions.node ?? ort.env.versions.common;
}
