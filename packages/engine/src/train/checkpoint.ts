/**
 * Training checkpoints: a folder `checkpoint-<step>/` holding
 *
 *   adapter_config.json, adapter_model.safetensors  the LoRA adapter, PEFT layout (float32)
 *   optimizer.safetensors                            the optimizer's state tensors; its JSON
 *                                                    header in the safetensors metadata
 *   trainer_state.json                               step, data cursor, RNG state, schedule,
 *                                                    best eval loss, patience, loss history
 *
 * The folder is written under a temporary name beside its final one and renamed when complete,
 * so a reader never sees half a checkpoint. Everything needed to continue bit for bit is here:
 * `readCheckpoint` gives it back, and the loop resumes with exactly the same updates.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import type { ModelConfig } from '../io/config.js';
import { readLoraAdapter, writeLoraAdapter, type LoraAdapter } from '../io/peft.js';
import { SafetensorsFile, writeSafetensors } from '../io/safetensors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { DataCursor } from './collate.js';
import type { OptimizerState, OptimizerStateHeader } from './optimizer.js';
import type { LrSchedule } from './schedule.js';

export const TRAINER_STATE_FILE = 'trainer_state.json';
export const OPTIMIZER_STATE_FILE = 'optimizer.safetensors';

/** One optimizer step's record in the loss history. */
export interface StepRecord {
  step: number;
  loss: number;
  learningRate: number;
  gradNorm: number;
  tokens: number;
}

/** One evaluation's record. */
export interface EvalRecord {
  step: number;
  loss: number;
  perplexity: number;
}

/** `trainer_state.json`: plain JSON. */
export interface TrainerState {
  format: 'qlora-studio-trainer-state';
  version: 1;
  /** Optimizer steps done. */
  globalStep: number;
  /** Optimizer steps of the whole run. */
  totalSteps: number;
  /** Where the Batcher's next batch starts. */
  cursor: DataCursor;
  /** Mulberry32 state of the loop's RNG (for dropout masks once supported). */
  rngState: number;
  schedule: LrSchedule;
  learningRate: number;
  seed: number;
  bestEvalLoss: number | null;
  /** Evaluations since the best one (early stopping). */
  patienceCounter: number;
  history: StepRecord[];
  evals: EvalRecord[];
  /** Seconds of training before this checkpoint (elapsed continues from it on resume). */
  elapsedSeconds: number;
}

/** A checkpoint's folder name for `step`. */
export function checkpointName(step: number): string {
  return `checkpoint-${step}`;
}

/** Write `checkpoint-<step>` under `parentDir` atomically (temp folder, then rename); returns its path. */
export function writeCheckpoint(parentDir: string, adapter: LoraAdapter, optimizer: OptimizerState, state: TrainerState): string {
  fs.mkdirSync(parentDir, { recursive: true });
  const final = path.join(parentDir, checkpointName(state.globalStep));
  const temp = path.join(parentDir, `.${checkpointName(state.globalStep)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.mkdirSync(temp);
    writeLoraAdapter(temp, adapter, { dtype: 'F32' });
    const tensors = [...optimizer.tensors].map(([name, data]) => ({ name, shape: [data.length], data, dtype: 'F32' as const }));
    writeSafetensors(path.join(temp, OPTIMIZER_STATE_FILE), tensors, { header: JSON.stringify(optimizer.header) });
    writeFileAtomic(path.join(temp, TRAINER_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
    if (fs.existsSync(final)) fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(temp, final);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return final;
}

/** What `readCheckpoint` gives back. */
export interface Checkpoint {
  adapter: LoraAdapter;
  optimizer: OptimizerState;
  state: TrainerState;
}

function bad(dir: string, why: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', `Checkpoint ${dir}: ${why}`);
}

/** Read a checkpoint folder written by `writeCheckpoint`; refuses an incomplete or foreign one. */
export function readCheckpoint(dir: string, modelConfig?: ModelConfig): Checkpoint {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw bad(dir, 'is not a folder.');
  const stateFile = path.join(dir, TRAINER_STATE_FILE);
  const optFile = path.join(dir, OPTIMIZER_STATE_FILE);
  if (!fs.existsSync(stateFile)) throw bad(dir, `has no ${TRAINER_STATE_FILE}.`);
  if (!fs.existsSync(optFile)) throw bad(dir, `has no ${OPTIMIZER_STATE_FILE}.`);
  let state: TrainerState;
  try {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as TrainerState;
  } catch {
    throw bad(dir, `${TRAINER_STATE_FILE} is not valid JSON.`);
  }
  if (state?.format !== 'qlora-studio-trainer-state' || state.version !== 1) throw bad(dir, `${TRAINER_STATE_FILE} is not a qlora-studio trainer state v1.`);
  const adapter = readLoraAdapter(dir, modelConfig ? { modelConfig } : {});
  const file = SafetensorsFile.open(optFile);
  try {
    const headerText = file.metadata.header;
    if (!headerText) throw bad(dir, `${OPTIMIZER_STATE_FILE} has no optimizer header.`);
    const header = JSON.parse(headerText) as OptimizerStateHeader;
    const tensors = new Map<string, Float32Array>();
    for (const name of file.tensors.keys()) tensors.set(name, file.readFloat32(name));
    return { adapter, optimizer: { header, tensors }, state };
  } finally {
    file.close();
  }
}
