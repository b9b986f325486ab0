import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { readChatTemplates } from './chat-template.js';
import { parseModelConfig, type ModelConfig } from './config.js';
import { readGenerationConfig, type GenerationConfig } from './generation-config.js';
import { readJsonFile, tokenIdList } from './json-file.js';
import { Tokenizer } from './tokenizer.js';
import { ModelWeights } from './weights.js';

/** Tokenizer-side files a model folder may have, in the order they are listed. */
export const tokenizerFileNames = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'generation_config.json',
] as const;

/** What a model folder holds, read from its JSON files and safetensors headers only. */
export interface ModelFolderInfo {
  dir: string;
  config: ModelConfig;
  /** Which of `tokenizerFileNames` are present. */
  tokenizerFiles: string[];
  hasChatTemplate: boolean;
  weights: {
    format: 'single' | 'sharded';
    /** The safetensors files, in name order. */
    files: string[];
    /** Stored dtypes, e.g. ['BF16'] (several when tensors differ). */
    dtypes: string[];
    tensorCount: number;
  };
  /** Parameters stored in the weights (a tied embedding counts once). */
  parameterCount: number;
  /** Bytes of all files in the folder. */
  sizeOnDiskBytes: number;
}

/** A model folder loaded for use. `weights` reads tensors lazily: close it when done. */
export interface ModelFolder {
  dir: string;
  config: ModelConfig;
  tokenizer: Tokenizer;
  generationConfig: GenerationConfig;
  weights: ModelWeights;
  /** The default chat template source, or null when the model has none (a base model). */
  chatTemplate: string | null;
}

function requireFile(dir: string, name: string, why: string): string {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw new EngineError('MODEL_FILE_MISSING', `${dir} has no ${name} (${why}).`);
  return file;
}

function readConfig(dir: string): { config: ModelConfig; raw: Record<string, unknown> } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new EngineError('MODEL_FILE_MISSING', `${dir} is not a folder.`);
  const raw = readJsonFile(requireFile(dir, 'config.json', 'the model architecture'), 'MODEL_CONFIG_INVALID');
  return { config: parseModelConfig(raw), raw: raw as Record<string, unknown> };
}

/** Opens the weights after checking the files every model folder needs, in the order a user would fix them. */
function openChecked(dir: string): { config: ModelConfig; raw: Record<string, unknown>; weights: ModelWeights } {
  const { config, raw } = readConfig(dir);
  requireFile(dir, 'tokenizer.json', 'the tokenizer');
  return { config, raw, weights: ModelWeights.open(dir) };
}

/**
 * Describe a Hugging Face model folder without loading any weights: its config, which tokenizer
 * files it has, how its weights are stored and how many parameters they hold. Throws
 * MODEL_FILE_MISSING naming the missing file (config.json, tokenizer.json, weights or a shard).
 */
export function inspectModelFolder(dir: string): ModelFolderInfo {
  const { config, weights } = openChecked(dir);
  try {
    const dtypes = new Set<string>();
    const files = new Set<string>();
    let parameterCount = 0;
    const names = weights.names();
    for (const name of names) {
      const info = weights.info(name);
      dtypes.add(info.dtype);
      parameterCount += info.shape.reduce((a, b) => a * b, 1);
    }
    const sharded = !fs.existsSync(path.join(dir, 'model.safetensors'));
    if (sharded) {
      const index = readJsonFile(path.join(dir, 'model.safetensors.index.json'), 'SAFETENSORS_INVALID') as { weight_map?: Record<string, string> };
      for (const shard of Object.values(index.weight_map ?? {})) files.add(shard);
    } else files.add('model.safetensors');
    let sizeOnDiskBytes = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile()) sizeOnDiskBytes += fs.statSync(path.join(dir, entry.name)).size;
    }
    return {
      dir,
      config,
      tokenizerFiles: tokenizerFileNames.filter((name) => fs.existsSync(path.join(dir, name))),
      hasChatTemplate: readChatTemplates(dir).size > 0,
      weights: { format: sharded ? 'sharded' : 'single', files: [...files].sort(), dtypes: [...dtypes].sort(), tensorCount: names.length },
      parameterCount,
      sizeOnDiskBytes,
    };
  } finally {
    weights.close();
  }
}

/**
 * Load a Hugging Face model folder: config, tokenizer (with every EOS id the folder declares),
 * generation defaults, chat template and lazily-read weights.
 */
export function loadModelFolder(dir: string): ModelFolder {
  const { config, raw, weights } = openChecked(dir);
  try {
    const generationConfig = readGenerationConfig(dir);
    const tokenizer = Tokenizer.fromFolder(dir, { extraEosTokenIds: [...tokenIdList(raw.eos_token_id), ...generationConfig.eosTokenIds] });
    if (tokenizer.vocabSize > config.vocabSize) {
      throw new EngineError(
        'TOKENIZER_INVALID',
        `The tokenizer in ${dir} has ${tokenizer.vocabSize} tokens but config.json says vocab_size ${config.vocabSize}: they do not belong to the same model.`,
      );
    }
    const templates = readChatTemplates(dir);
    return { dir, config, tokenizer, generationConfig, weights, chatTemplate: templates.get('default') ?? [...templates.values()][0] ?? null };
  } catch (error) {
    weights.close();
    throw error;
  }
}

/** Read only `config.json` of a model folder (MODEL_FILE_MISSING / MODEL_CONFIG_INVALID on failure). */
export function readModelConfig(dir: string): ModelConfig {
  return readConfig(dir).config;
}
