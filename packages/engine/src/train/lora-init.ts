/**
 * Fresh LoRA parameters for training, as PEFT creates them with `init_lora_weights=True`:
 * A (r, in) from kaiming_uniform_(a=√5), B (out, r) zeros, scaling alpha/r (alpha/√r with
 * rsLoRA). The result is a `LoraAdapter`, so `writeLoraAdapter` saves it as PEFT does.
 */
import { EngineError } from '../errors.js';
import type { ModelConfig } from '../io/config.js';
import { loraScaling, type LoraAdapter, type LoraConfig, type PeftLoraModule } from '../io/peft.js';
import { LAYER_LINEARS, linearModule, linearShape, type LayerLinear } from '../model/weight-names.js';
import { Mulberry32 } from './rng-state.js';

/** PEFT's shorthand for every linear except the output layer. */
export const ALL_LINEAR = 'all-linear';

function invalid(message: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', message);
}

/** Reject what this engine cannot train, naming the field and the accepted values. */
export function checkLoraTrainingConfig(config: LoraConfig): void {
  if (!Number.isInteger(config.r) || config.r < 1) throw invalid(`LoRA r must be a whole number ≥ 1, not ${JSON.stringify(config.r)}.`);
  if (!(typeof config.loraAlpha === 'number' && config.loraAlpha > 0 && Number.isFinite(config.loraAlpha))) {
    throw invalid(`lora_alpha must be a number > 0, not ${JSON.stringify(config.loraAlpha)}.`);
  }
  if (!(typeof config.loraDropout === 'number' && config.loraDropout >= 0 && config.loraDropout < 1)) {
    throw invalid(`lora_dropout must be in [0, 1), not ${JSON.stringify(config.loraDropout)}.`);
  }
  if (config.initLoraWeights !== true) {
    throw invalid(`init_lora_weights ${JSON.stringify(config.initLoraWeights)} is not supported; only true (kaiming-uniform A, zero B).`);
  }
  if (config.useDora) throw invalid('use_dora is not supported for training.');
  if (config.bias !== 'none') throw invalid(`bias ${JSON.stringify(config.bias)} is not supported; only "none".`);
  if (config.modulesToSave !== null && config.modulesToSave.length > 0) throw invalid('modules_to_save is not supported; only LoRA layers are trained.');
  if (Object.keys(config.rankPattern).length > 0 || Object.keys(config.alphaPattern).length > 0) {
    throw invalid('rank_pattern / alpha_pattern are not supported for training; use one r and lora_alpha for all modules.');
  }
}

function selectedLayers(model: ModelConfig, config: LoraConfig): number[] {
  const all = Array.from({ length: model.numLayers }, (_, i) => i);
  const chosen = config.layersToTransform;
  if (chosen === null) return all;
  const list = typeof chosen === 'number' ? [chosen] : chosen;
  for (const layer of list) {
    if (!Number.isInteger(layer) || layer < 0 || layer >= model.numLayers) {
      throw invalid(`layers_to_transform has layer ${JSON.stringify(layer)}; this model has layers 0–${model.numLayers - 1}.`);
    }
  }
  return all.filter((layer) => list.includes(layer));
}

/**
 * The module paths LoRA adapts, in layer order then `LAYER_LINEARS` order. `targetModules` is
 * 'all-linear' (all seven layer linears; lm_head excluded as PEFT does), a list of names each
 * matched as PEFT does (equal to the module path or a dot-suffix of it, e.g. 'q_proj' or
 * 'self_attn.q_proj'), or one regex that must match a whole module path (PEFT's fullmatch).
 * A list entry or regex that matches no layer linear is refused, naming the valid names.
 */
export function resolveLoraTargets(model: ModelConfig, config: LoraConfig): { module: string; layer: number; linear: LayerLinear }[] {
  const layers = selectedLayers(model, config);
  const candidates = layers.flatMap((layer) => LAYER_LINEARS.map((linear) => ({ module: linearModule(layer, linear), layer, linear })));
  const valid = `valid names are ${LAYER_LINEARS.join(', ')} or "${ALL_LINEAR}"`;
  const target = config.targetModules;
  if (target === ALL_LINEAR) return candidates;
  if (typeof target === 'string') {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${target})$`);
    } catch {
      throw invalid(`target_modules regex ${JSON.stringify(target)} is not a valid regular expression.`);
    }
    const hits = candidates.filter((c) => re.test(c.module));
    if (hits.length === 0)
      throw invalid(`target_modules regex ${JSON.stringify(target)} matches no layer linear (e.g. model.layers.0.self_attn.q_proj); ${valid}.`);
    return hits;
  }
  if (target.length === 0) throw invalid(`target_modules is empty; ${valid}.`);
  const matches = (module: string, name: string): boolean => module === name || module.endsWith(`.${name}`);
  for (const name of target) {
    if (!candidates.some((c) => matches(c.module, name))) {
      const why = name === 'lm_head' ? 'only the layer linears can be adapted' : 'it matches no layer linear of this model';
      throw invalid(`target_modules entry ${JSON.stringify(name)} is not supported: ${why}; ${valid}.`);
    }
  }
  return candidates.filter((c) => target.some((name) => matches(c.module, name)));
}

/**
 * kaiming_uniform_(a=√5) on a (r, fanIn) matrix: gain = √(2/(1+a²)) = √(1/3), bound =
 * gain·√(3/fanIn) = 1/√fanIn, values uniform in [−bound, bound] computed as torch's CPU
 * `uniform_` does (u·(to − from) + from in float64 with float32 ends, rounded to float32; the
 * rounding can reach `bound` itself). The uniform numbers come from our Mulberry32, not
 * torch's Mersenne Twister, so values differ from PEFT's; the distribution is the same.
 */
export function kaimingUniformA(r: number, fanIn: number, rng: Mulberry32): Float32Array {
  const bound = loraABound(fanIn);
  const from = Math.fround(-bound);
  const width = Math.fround(Math.fround(bound) - from);
  const out = new Float32Array(r * fanIn);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() * width + from;
  return out;
}

/** The bound of kaiming_uniform_(a=√5) for `fanIn` inputs, computed as torch.nn.init does. */
export function loraABound(fanIn: number): number {
  const a = Math.sqrt(5);
  const gain = Math.sqrt(2 / (1 + a * a));
  const std = gain / Math.sqrt(fanIn);
  return Math.sqrt(3) * std;
}

/**
 * A fresh LoRA adapter for `model`: modules from `resolveLoraTargets`, A drawn in that order
 * (layer, then linear) from Mulberry32(`seed`), so the same seed and config give the same
 * adapter bit for bit. Throws INVALID_ARGUMENT for configs it cannot train.
 */
export function initLoraAdapter(model: ModelConfig, config: LoraConfig, seed: number): LoraAdapter {
  checkLoraTrainingConfig(config);
  const rng = new Mulberry32(seed);
  const scaling = loraScaling(config.loraAlpha, config.r, config.useRslora);
  const weights = new Map<string, PeftLoraModule>();
  for (const { module, linear } of resolveLoraTargets(model, config)) {
    const [outFeatures, inFeatures] = linearShape(model, linear);
    weights.set(module, {
      A: kaimingUniformA(config.r, inFeatures, rng),
      B: new Float32Array(outFeatures * config.r),
      r: config.r,
      inFeatures,
      outFeatures,
      scaling,
    });
  }
  return { config, weights, scaling };
}
