/**
 * The QLoRA engine's public API. It knows nothing of HTTP or SQL: the server drives it and
 * adapts `JobReporter` to its own events.
 */
export { runSystemCheck } from './system/system-check.js';
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
export { maxRelativeError, type Mismatch } from './reference/compare.js';
export { randomUniform, seededRng, type Rng } from './util/random.js';
export { writeFileAtomic } from './util/atomic-write.js';
export { parseModelConfig, parameterCount, supportedArchitectures, type Architecture, type ModelConfig, type RopeScaling } from './io/config.js';
export { SafetensorsFile, encodeSafetensors, writeSafetensors, toFloat32, floatDtypes, type FloatDtype, type TensorInfo, type TensorToWrite } from './io/safetensors.js';
export { ModelWeights } from './io/weights.js';
export { Tokenizer, type DecodeStream, type SpecialTokens, type TokenizerSources } from './io/tokenizer.js';
export { ChatTemplate, chatTemplatesFromConfig, readChatTemplates, type AssistantSpan, type ChatMessage, type ChatRenderOptions } from './io/chat-template.js';
export { parseGenerationConfig, readGenerationConfig, type GenerationConfig } from './io/generation-config.js';
export { inspectModelFolder, loadModelFolder, readModelConfig, tokenizerFileNames, type ModelFolder, type ModelFolderInfo } from './io/model-folder.js';
export { downloadDatasetFile, downloadModel, localModelDir, HUB_URL, type DownloadModelOptions, type DownloadProgress } from './io/hub.js';
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  createLoraConfig,
  loraScaling,
  parseLoraConfig,
  readLoraAdapter,
  serializeLoraConfig,
  writeLoraAdapter,
  type LoraAdapter,
  type LoraConfig,
  type LoraModuleWeights,
} from './io/peft.js';
export { makeTinyModel, type TinyModel, type TinyModelOptions } from './testing/tiny-model.js';
export type { CausalLM, LoraAdapterWeights, TextCodec } from './infer/causal-lm.js';
export { generate, generateTokens, defaultGenerateOptions, type FinishReason, type GenerateOptions, type GenerationChunk, type GenerationResult } from './infer/generate.js';
export { argmax, logSoftmax, sampleNextToken, greedy, type SamplingOptions } from './infer/sampling.js';
export { encodePrompt, promptChatTemplate, type PromptInput } from './infer/prompt.js';
export { logLikelihood, scoreExamples, scoreTexts, scoreTokenIds, toLossReport, type LossReport, type TokenScores } from './infer/score.js';
export * from './quant/index.js';
export * from './model/index.js';
export { decoderLayerForward, referenceForward, referenceGreedy, type GetWeight, type ReferenceKV, type ReferenceOutput } from './reference/llama.js';
export {
  causalAttentionForward,
  embeddingForward,
  linearForward,
  rmsNormForward,
  ropeForward,
  siluForward,
  softmaxForward,
  swigluMlpForward,
  type MlpWeights,
} from './reference/llama-ops.js';
export { ropeInvFreq, ropeTables } from './reference/rope.js';
export { mergeLoraForward, mergedLoraWeights, type ReferenceLoraModule } from './reference/lora.js';
export {
  Optimizer,
  adamWOptions,
  sgdOptions,
  type AdamWOptions,
  type SgdOptions,
  type OptimizerOptions,
  type OptimizerState,
  type OptimizerStateHeader,
  type NamedTensors,
} from './train/optimizer.js';
export { lrSchedule, lrMultiplier, scheduledLr, warmupStepsFor, LR_SCHEDULE_KINDS, type LrSchedule, type LrScheduleKind } from './train/schedule.js';
export { clipGradNorm, globalGradNorm, GradAccumulator } from './train/clip.js';
export { initLoraAdapter, resolveLoraTargets, checkLoraTrainingConfig, kaimingUniformA, loraABound, ALL_LINEAR } from './train/lora-init.js';
export { Mulberry32 } from './train/rng-state.js';
export { BLOCK_LINEARS, BLOCK_NAMES, backwardSpec, blockInputs, blockLinearShape, buildBlockForwardGraph, buildBlockBackwardGraph, savedBytesPerRow, savedInputs, type BlockGraphOptions, type BlockGraphSpec, type BlockLinear } from './train/block-graphs.js';
export { buildHeadForwardGraph, buildHeadBackwardGraph, HEAD_NAMES, type HeadGraphSpec } from './train/head-graph.js';
export { estimateTraining, trainingGemmEfficiency, type TrainingEstimate, type TrainingEstimateInput } from './train/estimate.js';
export { calibrateTraining, type CalibrationProgress, type CalibrationStep, type TrainingCalibration, type TrainingCalibrationInput } from './train/calibrate.js';
export { projectTrainingTime, TIME_RANGE_MARGIN, type TrainingPlan, type TrainingTimeRange } from './train/time-estimate.js';
export { LoraTrainer, loraParamName, sequenceBatch, DEFAULT_ACTIVATION_BUDGET_BYTES, DEFAULT_HEAD_CHUNK_ROWS, type StepBatch, type TrainMethod, type LoraTrainerOptions, type TrainStepResult, type UpdateResult } from './train/train-step.js';
export {
  trainLora,
  checkTrainLoraOptions,
  TRAINING_SUMMARY_FILE,
  type TrainLoraOptions,
  type TrainLoraResult,
  type TrainingDataSource,
} from './train/loop.js';
export {
  writeCheckpoint,
  readCheckpoint,
  checkpointName,
  TRAINER_STATE_FILE,
  OPTIMIZER_STATE_FILE,
  type Checkpoint,
  type EvalRecord,
  type StepRecord,
  type TrainerState,
} from './train/checkpoint.js';
export { readDatasetFile, parseDatasetBytes, parseTextDatasetBytes, type ParsedDataset, type ReadDatasetOptions } from './data/parse.js';
export { buildDatasetReport, DEFAULT_REPORT_SEQ_LEN, type DatasetReportOptions } from './data/report.js';
export { detectFileType, firstInvalidUtf8 } from './data/detect.js';
export { detectFormat, detectLayout } from './data/layouts.js';
export { chatTemplateFor, promptTemplateSource, templateTokensOf, type TemplateTokens } from './io/prompt-templates.js';
export { readAdapterPromptTemplate, writeAdapterPromptTemplate, PROMPT_TEMPLATE_FILE, CHAT_TEMPLATE_FILE } from './io/adapter-template.js';
export { jsonErrorOffset, lineColumnAt } from './data/json-position.js';
export { IGNORE_INDEX } from './train/labels.js';
export { tokenizeRecord, type TokenizeOptions } from './train/tokenize.js';
export { parseTrainingRecords, readTrainingFile, type RecordFormat, type TrainingMessage, type TrainingRecord } from './train/data.js';
