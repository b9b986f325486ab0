/**
 * Errors the engine throws on purpose, with a code and a hint in plain words. The server's
 * worker copies `message` and `hint` into the failed job's `JobError`.
 */

/** Every engine error code, with what the user can try next. */
export const engineErrorCatalogue = {
  ORT_UNAVAILABLE: 'Reinstall onnxruntime-node (npm ci) and check that this platform and CPU architecture are supported by it.',
  ORT_RESULT_MISMATCH: 'ONNX Runtime computed a wrong result on this machine. Reinstall onnxruntime-node; if it persists, report the CPU model.',
} as const;

/** A code of `engineErrorCatalogue`. */
export type EngineErrorCode = keyof typeof engineErrorCatalogue;

/** An expected engine failure: `code` names it, `hint` says what to try. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly hint: string;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
    this.hint = engineErrorCatalogue[code];
  }
}
