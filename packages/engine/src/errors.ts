/**
 * Errors the engine throws on purpose, with a code and a hint in plain words. The server's
 * worker copies `message` and `hint` into the failed job's `JobError`.
 */

/** Every engine error code, with what the user can try next. */
export const engineErrorCatalogue = {
  ORT_UNAVAILABLE: 'Reinstall onnxruntime-node (npm ci) and check that this platform and CPU architecture are supported by it.',
  ORT_RESULT_MISMATCH: 'ONNX Runtime computed a wrong result on this machine. Reinstall onnxruntime-node; if it persists, report the CPU model.',
  MODEL_FILE_MISSING:
    'A Hugging Face model folder needs config.json, tokenizer.json and model.safetensors (or model.safetensors.index.json with its shards). Download the model again.',
  MODEL_CONFIG_INVALID: 'config.json is not a valid Hugging Face model config. Download the model again, or fix the field named in the message.',
  UNSUPPORTED_ARCHITECTURE:
    'QLoRA Studio supports Llama-layout causal language models: llama, mistral and qwen2 (SmolLM, TinyLlama and others use the llama architecture).',
  SAFETENSORS_INVALID: 'The weights file is damaged or not a safetensors file. Download the model again.',
  SAFETENSORS_TRUNCATED: 'The weights file is shorter than its header says: the download was probably interrupted. Download the model again.',
  UNSUPPORTED_DTYPE: 'Weights must be stored as F32, F16 or BF16. Convert the model, or choose another one.',
  TENSOR_MISSING: 'The weights do not contain a tensor this architecture needs. Check that config.json and the weights belong to the same model.',
  TENSOR_SHAPE_MISMATCH: 'A tensor has another shape than config.json implies. Check that config.json and the weights belong to the same model.',
  TOKENIZER_INVALID: 'tokenizer.json or tokenizer_config.json could not be read. Download the model again.',
  CHAT_TEMPLATE_MISSING:
    'This model has no chat template: choose a prompt template (Question / Answer, Alpaca, ChatML… or your own), use a plain text prompt, or use a model whose tokenizer_config.json (or chat_template.jinja) has one.',
  CHAT_TEMPLATE_FAILED: 'The chat template could not render these messages. Check the roles and their order.',
  HUB_OFFLINE:
    'The Hugging Face Hub cannot be reached from this machine. Copy the files here instead: register a model folder where it is, or upload (or import from a path) a dataset file.',
  HUB_NOT_FOUND:
    'No such repository on the Hugging Face Hub, or it is gated or private: check the ID (models and datasets are separate), and set HF_TOKEN for gated or private ones.',
  HUB_DOWNLOAD_DAMAGED: 'A downloaded file did not match the Hub checksum twice. Try again later; if it persists, a proxy or the disk may be altering files.',
  HUB_UNAUTHORIZED: "The Hub refused the token. Check HF_TOKEN, and accept the licence on the repository's Hub page if it is gated.",
  ADAPTER_INVALID: 'The adapter folder needs adapter_config.json (PEFT, LORA) and adapter_model.safetensors for this base model.',
  INVALID_ARGUMENT: 'Check the value named in the message.',
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
