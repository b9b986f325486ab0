/**
 * Whether the engine can run here at all: ONNX Runtime loads, builds a session and computes a
 * known answer. The server's /api/health reports it.
 */
import { GraphBuilder } from '../onnx/graph-builder.js';
import { makeTensor } from '../onnx/model.js';
import { createSession, loadOrt, onnxRuntimeVersion } from '../runtime/session.js';

/** The outcome of `checkEngine`. `onnxruntime` is the version, or null when it cannot load. */
export interface EngineAvailability {
  ok: boolean;
  onnxruntime: string | null;
  message: string;
}

let cached: Promise<EngineAvailability> | undefined;

/**
 * Builds and runs a tiny model once per process and caches the answer (health checks are
 * frequent; ONNX Runtime does not become broken or fixed while the process runs). Never rejects.
 */
export function checkEngine(): Promise<EngineAvailability> {
  cached ??= probe();
  return cached;
}

/** y = relu(x · w + bias) on a 1×2 input; for x = [1, 2] the answer is [0, 7.5]. */
async function probe(): Promise<EngineAvailability> {
  let onnxruntime: string | null = null;
  try {
    onnxruntime = await onnxRuntimeVersion();
    const ort = await loadOrt();
    const g = new GraphBuilder('engine_probe');
    const x = g.input('x', 'float32', [1, 2]);
    // w: (2, 2) row-major
    const w = g.initializer('w', makeTensor('float32', [2, 2], new Float32Array([1, 2, -3, 2])));
    const bias = g.initializer('bias', makeTensor('float32', [2], new Float32Array([0, 1.5])));
    const y = g.op('Relu', [g.op('Add', [g.op('MatMul', [x, w]), bias])], {}, { output: 'y' });
    g.output(y, 'float32', [1, 2]);
    const session = await createSession(g.toModelBytes(), { intraOpNumThreads: 1 });
    try {
      const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2]), [1, 2]) });
      const got = Array.from((out['y']?.data ?? []) as Float32Array);
      if (got.length !== 2 || got[0] !== 0 || got[1] !== 7.5) {
        return { ok: false, onnxruntime, message: `ONNX Runtime computed [${got.join(', ')}] for a known model instead of [0, 7.5].` };
      }
    } finally {
      await session.release();
    }
    return { ok: true, onnxruntime, message: `ONNX Runtime ${onnxruntime} runs models on the CPU.` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, onnxruntime, message: `ONNX Runtime cannot run models here: ${reason}` };
  }
}
