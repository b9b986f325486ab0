/**
 * The QLoRA engine's public API: what the server and the `qlora` CLI use, and nothing more. It
 * knows nothing of HTTP or SQL: the server drives it and adapts `JobReporter` to its own events.
 * Tests, benchmarks and labs reach the internals through the subpaths in package.json
 * (`@qlora-studio/engine/model`, `/onnx`, `/quant`, `/reference`, `/train`).
 */
// Errors, and the job context the server hands to long-running work.
export { EngineError } from './errors.js';
export type { JobContext, JobReporter } from './jobs/reporter.js';
// System check and engine health.
export { runSystemCheck } from './system/system-check.js';
export { checkEngine } from './system/engine-availability.js';
// Model folders: the Hub, config, inspection and loading, and tiny generated models.
export { downloadDatasetFile, downloadModel, type DownloadProgress } from './io/hub.js';
export { supportedArchitectures, type ModelConfig } from './io/config.js';
export { inspectModelFolder, loadModelFolder, readModelConfig, type ModelFolder } from './io/model-folder.js';
export { floatDtypes, type FloatDtype } from './io/safetensors.js';
export { makeTinyModel } from './testing/tiny-model.js';
// Chat and prompt templates.
export { ChatTemplate, type ChatMessage } from './io/chat-template.js';
export { chatTemplateFor } from './io/prompt-templates.js';
export { encodePrompt, promptChatTemplate } from './infer/prompt.js';
// Inference: a causal LM with LoRA adapters, generation and scoring.
export type { CausalLM } from './infer/causal-lm.js';
export { loadCausalLM } from './model/causal-lm.js';
export { readLoraAdapter } from './io/peft.js';
export { generateTokens, type GenerateOptions } from './infer/generate.js';
export { scoreExamples, scoreTexts } from './infer/score.js';
// Datasets: reading, reports and tokenizing.
export { readDatasetFile, readDatasetRows, type ParsedDataset } from './data/parse.js';
export { buildDatasetReport } from './data/report.js';
export { readTrainingFile } from './train/data.js';
export { tokenizeRecord } from './train/tokenize.js';
// Evaluation: benchmark items from dataset rows, and the multiple-choice, generate and loss tasks.
export {
  DEFAULT_GENERATE_TEMPLATE,
  DEFAULT_MULTIPLE_CHOICE_TEMPLATE,
  multipleChoiceItem,
  referenceItem,
  type EvalFields,
  type EvalTemplate,
} from './eval/items.js';
export { evaluateGenerate, evaluateLoss, evaluateMultipleChoice, type EvalResult } from './eval/run.js';
export type { AnswerExtractor } from './eval/metrics.js';
export { pairedBootstrap, tokenF1, verdictText, type BootstrapResult } from './eval/index.js';
// Training: options, LoRA configuration, the learning-rate schedule and the training loop.
export { checkTrainLoraOptions, trainLora, type TrainingDataSource, type TrainLoraOptions, type TrainLoraResult } from './train/loop.js';
export { createLoraConfig } from './io/peft.js';
export { checkLoraTrainingConfig, resolveLoraTargets } from './train/lora-init.js';
export { LR_SCHEDULE_KINDS, type LrScheduleKind } from './train/schedule.js';
export { seededRng } from './util/random.js';
// Training estimates: memory, calibration on this machine, and projected time.
export { estimateTraining } from './train/estimate.js';
export { calibrateTraining, type CalibrationProgress, type TrainingCalibration, type TrainingCalibrationInput } from './train/calibrate.js';
export { projectTrainingTime } from './train/time-estimate.js';
