/**
 * PEFT LoRA adapter folders, read and written exactly as PEFT does: `adapter_config.json`
 * (keys sorted, two-space indent) and `adapter_model.safetensors` with keys
 * `base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight` (r, in) and `...lora_B.weight` (out, r).
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import type { LoraModule } from '../model/lora.js';
import { LAYER_LINEARS, linearShape, parseLinearModule, type LayerLinear } from '../model/weight-names.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { ModelConfig } from './config.js';
import { asRecord, readJsonFile } from './json-file.js';
import { SafetensorsFile, writeSafetensors, type FloatDtype, type TensorToWrite } from './safetensors.js';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

/** `adapter_config.json` of a LoRA adapter, typed (PEFT's snake_case names in camelCase). */
export interface LoraConfig {
  baseModelNameOrPath: string | null;
  r: number;
  loraAlpha: number;
  loraDropout: number;
  /** Module names (e.g. ['q_proj', 'v_proj']) or one regex over full module names. */
  targetModules: string[] | string;
  /** Scale by alpha/√r instead of alpha/r. */
  useRslora: boolean;
  useDora: boolean;
  bias: string;
  fanInFanOut: boolean;
  /** Per-module rank and alpha overrides, keyed by a module-name pattern. */
  rankPattern: Record<string, number>;
  alphaPattern: Record<string, number>;
  layersToTransform: number[] | number | null;
  layersPattern: string | string[] | null;
  modulesToSave: string[] | null;
  revision: string | null;
  initLoraWeights: boolean | string;
  taskType: 'CAUSAL_LM';
  inferenceMode: boolean;
  /** Fields this engine does not use (newer PEFT versions add some), kept for a faithful rewrite. */
  extra: Record<string, unknown>;
}

/**
 * One adapted linear of a PEFT adapter: a `LoraModule` with its shape spelled out (A is
 * (r, inFeatures), B (outFeatures, r), the safetensors shapes) and its scaling resolved (it
 * differs from the adapter's when rank_pattern / alpha_pattern apply).
 */
export interface PeftLoraModule extends LoraModule {
  inFeatures: number;
  outFeatures: number;
  scaling: number;
}

export interface LoraAdapter {
  config: LoraConfig;
  /** Keyed by module path, e.g. 'model.layers.0.self_attn.q_proj'. */
  weights: Map<string, PeftLoraModule>;
  /** lora_alpha / r, or lora_alpha / √r with rsLoRA. */
  scaling: number;
}

/** LoRA scaling as PEFT computes it. */
export function loraScaling(alpha: number, r: number, useRslora: boolean): number {
  return useRslora ? alpha / Math.sqrt(r) : alpha / r;
}

/** A LoRA config with PEFT's defaults for everything not given. */
export function createLoraConfig(fields: Pick<LoraConfig, 'r' | 'loraAlpha' | 'targetModules'> & Partial<LoraConfig>): LoraConfig {
  return {
    baseModelNameOrPath: null,
    loraDropout: 0,
    useRslora: false,
    useDora: false,
    bias: 'none',
    fanInFanOut: false,
    rankPattern: {},
    alphaPattern: {},
    layersToTransform: null,
    layersPattern: null,
    modulesToSave: null,
    revision: null,
    initLoraWeights: true,
    taskType: 'CAUSAL_LM',
    inferenceMode: true,
    extra: {},
    ...fields,
  };
}

function invalid(dir: string, why: string): EngineError {
  return new EngineError('ADAPTER_INVALID', `${dir}: ${why}`);
}

/** PEFT's field names for `LoraConfig` keys, plus what it always writes. */
const fieldNames: Record<Exclude<keyof LoraConfig, 'extra'>, string> = {
  baseModelNameOrPath: 'base_model_name_or_path',
  r: 'r',
  loraAlpha: 'lora_alpha',
  loraDropout: 'lora_dropout',
  targetModules: 'target_modules',
  useRslora: 'use_rslora',
  useDora: 'use_dora',
  bias: 'bias',
  fanInFanOut: 'fan_in_fan_out',
  rankPattern: 'rank_pattern',
  alphaPattern: 'alpha_pattern',
  layersToTransform: 'layers_to_transform',
  layersPattern: 'layers_pattern',
  modulesToSave: 'modules_to_save',
  revision: 'revision',
  initLoraWeights: 'init_lora_weights',
  taskType: 'task_type',
  inferenceMode: 'inference_mode',
};
const alwaysWritten = { peft_type: 'LORA', auto_mapping: null, loftq_config: {}, megatron_config: null, megatron_core: 'megatron.core' };

/** Check and type a parsed `adapter_config.json`; `where` names the folder in errors. */
export function parseLoraConfig(raw: unknown, where = ADAPTER_CONFIG_FILE): LoraConfig {
  const c = asRecord(raw);
  if (!c) throw invalid(where, `${ADAPTER_CONFIG_FILE} must hold a JSON object.`);
  if (c.peft_type !== 'LORA') throw invalid(where, `peft_type is ${JSON.stringify(c.peft_type)}; only LORA adapters are supported.`);
  if (c.task_type !== undefined && c.task_type !== null && c.task_type !== 'CAUSAL_LM') {
    throw invalid(where, `task_type is ${JSON.stringify(c.task_type)}; only CAUSAL_LM adapters are supported.`);
  }
  const r = c.r;
  if (!Number.isInteger(r) || (r as number) < 1) throw invalid(where, `r must be a whole number ≥ 1, not ${JSON.stringify(r)}.`);
  const alpha = c.lora_alpha ?? 8;
  if (typeof alpha !== 'number' || !(alpha > 0)) throw invalid(where, `lora_alpha must be a number > 0, not ${JSON.stringify(alpha)}.`);
  const target = c.target_modules;
  if (!(typeof target === 'string' || (Array.isArray(target) && target.every((t) => typeof t === 'string')))) {
    throw invalid(where, `target_modules must be a list of module names or a regex, not ${JSON.stringify(target)}.`);
  }
  const numbers = (value: unknown, field: string): Record<string, number> => {
    const record = asRecord(value ?? {});
    if (!record || !Object.values(record).every((v) => typeof v === 'number' && v > 0)) throw invalid(where, `${field} must map module patterns to numbers.`);
    return record as Record<string, number>;
  };
  const config = createLoraConfig({
    r: r as number,
    loraAlpha: alpha,
    targetModules: target as string[] | string,
    baseModelNameOrPath: typeof c.base_model_name_or_path === 'string' ? c.base_model_name_or_path : null,
    loraDropout: typeof c.lora_dropout === 'number' ? c.lora_dropout : 0,
    useRslora: c.use_rslora === true,
    useDora: c.use_dora === true,
    bias: typeof c.bias === 'string' ? c.bias : 'none',
    fanInFanOut: c.fan_in_fan_out === true,
    rankPattern: numbers(c.rank_pattern, 'rank_pattern'),
    alphaPattern: numbers(c.alpha_pattern, 'alpha_pattern'),
    layersToTransform: (c.layers_to_transform ?? null) as LoraConfig['layersToTransform'],
    layersPattern: (c.layers_pattern ?? null) as LoraConfig['layersPattern'],
    modulesToSave: Array.isArray(c.modules_to_save) && c.modules_to_save.length > 0 ? (c.modules_to_save as string[]) : null,
    revision: typeof c.revision === 'string' ? c.revision : null,
    initLoraWeights: typeof c.init_lora_weights === 'string' ? c.init_lora_weights : c.init_lora_weights !== false,
    inferenceMode: c.inference_mode !== false,
  });
  const known = new Set([...Object.values(fieldNames), ...Object.keys(alwaysWritten)]);
  config.extra = Object.fromEntries(Object.entries(c).filter(([key]) => !known.has(key)));
  // What the engine cannot apply is refused here, rather than silently ignored.
  if (config.useDora) throw invalid(where, 'use_dora is true; DoRA adapters are not supported.');
  if (config.bias !== 'none') throw invalid(where, `bias is "${config.bias}"; only "none" is supported.`);
  if (config.fanInFanOut) throw invalid(where, 'fan_in_fan_out is true, which Llama-layout linears never use.');
  if (config.modulesToSave) throw invalid(where, `modules_to_save (${config.modulesToSave.join(', ')}) is not supported: only LoRA matrices can be applied.`);
  return config;
}

/** `adapter_config.json` content as PEFT writes it (keys sorted). */
export function serializeLoraConfig(config: LoraConfig): string {
  const out: Record<string, unknown> = { ...config.extra, ...alwaysWritten };
  for (const [key, name] of Object.entries(fieldNames)) out[name] = config[key as keyof typeof fieldNames];
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify(sorted, null, 2);
}

/** PEFT's pattern lookup: the first key that equals the module path or matches its end at a dot. */
function patternValue(patterns: Record<string, number>, module: string): number | undefined {
  for (const [key, value] of Object.entries(patterns)) {
    if (key === module) return value;
    try {
      if (new RegExp(`^(.*\\.)?(${key})$`).test(module)) return value;
    } catch {
      // PEFT would fail on an invalid regex too; here it simply does not match.
    }
  }
  return undefined;
}

/** `[base_model.model.]MODULE.lora_(A|B)[.default].weight`: the module path and which matrix. */
const keyPattern = /^(?:base_model\.model\.)?(.+)\.lora_(A|B)(?:\.default)?\.weight$/;

/**
 * Read a PEFT LoRA adapter folder. With `modelConfig`, every module is checked against the
 * base model (layer exists, A is (r, in) and B is (out, r) for that linear). Throws
 * ADAPTER_INVALID naming the problem.
 */
export function readLoraAdapter(dir: string, options: { modelConfig?: ModelConfig } = {}): LoraAdapter {
  const configFile = path.join(dir, ADAPTER_CONFIG_FILE);
  const weightsFile = path.join(dir, ADAPTER_WEIGHTS_FILE);
  if (!fs.existsSync(configFile)) throw invalid(dir, `there is no ${ADAPTER_CONFIG_FILE}.`);
  const config = parseLoraConfig(readJsonFile(configFile, 'ADAPTER_INVALID'), dir);
  if (!fs.existsSync(weightsFile)) {
    const bin = fs.existsSync(path.join(dir, 'adapter_model.bin')) ? ' (adapter_model.bin is a pickle file: re-save it with safe_serialization=True)' : '';
    throw invalid(dir, `there is no ${ADAPTER_WEIGHTS_FILE}${bin}.`);
  }
  let file: SafetensorsFile;
  try {
    file = SafetensorsFile.open(weightsFile);
  } catch (error) {
    throw new EngineError('ADAPTER_INVALID', `${weightsFile}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const found = new Map<string, { linear: LayerLinear; layer: number; A?: string; B?: string }>();
    for (const name of file.tensors.keys()) {
      const m = keyPattern.exec(name);
      const parsed = m ? parseLinearModule(m[1]!) : null;
      if (!m || !parsed) throw invalid(dir, `${ADAPTER_WEIGHTS_FILE} holds "${name}", which is not a LoRA matrix of a decoder layer's linear.`);
      const module = m[1]!;
      const entry = found.get(module) ?? { ...parsed };
      entry[m[2] as 'A' | 'B'] = name;
      found.set(module, entry);
    }
    if (found.size === 0) throw invalid(dir, `${ADAPTER_WEIGHTS_FILE} holds no LoRA matrices.`);
    const weights = new Map<string, PeftLoraModule>();
    for (const module of [...found.keys()].sort(compareModules)) {
      const { linear, layer, A, B } = found.get(module)!;
      if (!A || !B) throw invalid(dir, `${module} has lora_${A ? 'A' : 'B'} but no lora_${A ? 'B' : 'A'}.`);
      const [r, inFeatures] = file.info(A).shape as [number, number];
      const [outFeatures, rB] = file.info(B).shape as [number, number];
      if (file.info(A).shape.length !== 2 || file.info(B).shape.length !== 2 || rB !== r) {
        throw invalid(
          dir,
          `${module}: lora_A ${JSON.stringify(file.info(A).shape)} and lora_B ${JSON.stringify(file.info(B).shape)} are not (r, in) and (out, r).`,
        );
      }
      const expectedR = patternValue(config.rankPattern, module) ?? config.r;
      if (r !== expectedR) throw invalid(dir, `${module} has rank ${r}, but adapter_config.json says ${expectedR}.`);
      if (options.modelConfig) {
        if (layer >= options.modelConfig.numLayers) throw invalid(dir, `${module} is beyond the base model's ${options.modelConfig.numLayers} layers.`);
        const [out, inp] = linearShape(options.modelConfig, linear);
        if (out !== outFeatures || inp !== inFeatures) {
          throw invalid(
            dir,
            `${module} is (out ${outFeatures}, in ${inFeatures}) but the base model's ${linear} is (out ${out}, in ${inp}): the adapter is for another model.`,
          );
        }
      }
      const alpha = patternValue(config.alphaPattern, module) ?? config.loraAlpha;
      weights.set(module, { A: file.readFloat32(A), B: file.readFloat32(B), r, inFeatures, outFeatures, scaling: loraScaling(alpha, r, config.useRslora) });
    }
    return { config, weights, scaling: loraScaling(config.loraAlpha, config.r, config.useRslora) };
  } finally {
    file.close();
  }
}

/** Layer order, then the order a block applies its linears. */
function compareModules(a: string, b: string): number {
  const parse = (m: string): [number, number] => {
    const { layer, linear } = parseLinearModule(m)!;
    return [layer, LAYER_LINEARS.indexOf(linear)];
  };
  const [la, pa] = parse(a);
  const [lb, pb] = parse(b);
  return la - lb || pa - pb;
}

/**
 * Write a PEFT LoRA adapter folder that PEFT's `PeftModel.from_pretrained` loads. Each file is
 * written atomically, the config last, so a folder with a config always has its weights.
 */
export function writeLoraAdapter(dir: string, adapter: LoraAdapter, options: { dtype?: FloatDtype } = {}): void {
  if (adapter.weights.size === 0) throw new EngineError('INVALID_ARGUMENT', 'The adapter has no modules to write.');
  const tensors: TensorToWrite[] = [];
  for (const [module, w] of adapter.weights) {
    if (!parseLinearModule(module)) throw new EngineError('INVALID_ARGUMENT', `"${module}" is not a layer's linear module path.`);
    if (w.A.length !== w.r * w.inFeatures || w.B.length !== w.outFeatures * w.r) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${module}: A has ${w.A.length} values and B ${w.B.length}, but r=${w.r}, in=${w.inFeatures}, out=${w.outFeatures}.`,
      );
    }
    const prefix = `base_model.model.${module}`;
    tensors.push({ name: `${prefix}.lora_A.weight`, shape: [w.r, w.inFeatures], data: w.A, dtype: options.dtype });
    tensors.push({ name: `${prefix}.lora_B.weight`, shape: [w.outFeatures, w.r], data: w.B, dtype: options.dtype });
  }
  writeSafetensors(path.join(dir, ADAPTER_WEIGHTS_FILE), tensors, { format: 'pt' });
  writeFileAtomic(path.join(dir, ADAPTER_CONFIG_FILE), serializeLoraConfig(adapter.config));
}
