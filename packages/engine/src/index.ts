/**
 * The QLoRA engine's public API. It knows nothing of HTTP or SQL: the server drives it and
 * adapts `JobReporter` to its own events.
 */
export { runSystemCheck, SYSTEM_CHECK_METRICS } from './system/system-check.js';
export { checkEngine, type EngineAvailability } from './system/engine-availability.js';
export { readSystemInfo, diskSpace, formatBytes, type SystemInfo } from './system/system-info.js';
export { matmulModel, timeMatmul, verifyOrtMatmul, MATMUL_TOLERANCE, type MatmulTiming } from './system/matmul-benchmark.js';
export { throwIfAborted, type JobContext, type JobProgress, type JobReporter } from './jobs/reporter.js';
export { EngineError, engineErrorCatalogue, type EngineErrorCode } from './errors.js';
export * from './onnx/index.js';
export {
  createSession,
  loadOrt,
  onnxRuntimeVersion,
  type OrtModule,
  type OrtSession,
  type OrtTensor,
  type SessionOptions,
} from './runtime/session.js';
export { matmulForward } from './reference/matmul.js';
export { addBiasForward, addForward, reluForward } from './reference/elementwise.js';
export { maxRelativeError, type Mismatch } from './reference/compare.js';
export { randomUniform, seededRng, type Rng } from './util/random.js';
export { writeFileAtomic } from './util/atomic-write.js';
