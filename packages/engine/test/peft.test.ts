import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineError } from '../src/errors.js';
import { parseModelConfig, type ModelConfig } from '../src/io/config.js';
import {
  createLoraConfig,
  loraScaling,
  readLoraAdapter,
  serializeLoraConfig,
  writeLoraAdapter,
  type LoraAdapter,
  type PeftLoraModule,
} from '../src/io/peft.js';
import { SafetensorsFile, writeSafetensors } from '../src/io/safetensors.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { errorOf } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-peft-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => path.join(root, `a${counter++}`);

// hidden 64, 4 heads of 16, 2 KV heads: q (64, 64), k/v (32, 64), o (64, 64), gate/up (128, 64), down (64, 128).
const config: ModelConfig = parseModelConfig({
  model_type: 'llama',
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 512,
});

function module(r: number, inFeatures: number, outFeatures: number, seed: number, scaling = 2): PeftLoraModule {
  const rng = seededRng(seed);
  return { A: randomUniform(r * inFeatures, rng), B: randomUniform(outFeatures * r, rng), r, inFeatures, outFeatures, scaling };
}

function adapter(r = 4, alpha = 8): LoraAdapter {
  const weights = new Map<string, PeftLoraModule>();
  for (let layer = 0; layer < 2; layer++) {
    weights.set(`model.layers.${layer}.self_attn.q_proj`, module(r, 64, 64, layer * 10 + 1));
    weights.set(`model.layers.${layer}.self_attn.v_proj`, module(r, 64, 32, layer * 10 + 2));
    weights.set(`model.layers.${layer}.mlp.down_proj`, module(r, 128, 64, layer * 10 + 3));
  }
  const loraConfig = createLoraConfig({
    r,
    loraAlpha: alpha,
    targetModules: ['q_proj', 'v_proj', 'down_proj'],
    loraDropout: 0.05,
    baseModelNameOrPath: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  });
  return { config: loraConfig, weights, scaling: loraScaling(alpha, r, false) };
}

describe('writeLoraAdapter', () => {
  it("writes adapter_config.json as PEFT does: PEFT's field names and values, keys sorted", () => {
    const dir = freshDir();
    writeLoraAdapter(dir, adapter());
    const text = fs.readFileSync(path.join(dir, 'adapter_config.json'), 'utf8');
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json).toEqual({
      alpha_pattern: {},
      auto_mapping: null,
      base_model_name_or_path: 'HuggingFaceTB/SmolLM2-135M-Instruct',
      bias: 'none',
      fan_in_fan_out: false,
      inference_mode: true,
      init_lora_weights: true,
      layers_pattern: null,
      layers_to_transform: null,
      loftq_config: {},
      lora_alpha: 8,
      lora_dropout: 0.05,
      megatron_config: null,
      megatron_core: 'megatron.core',
      modules_to_save: null,
      peft_type: 'LORA',
      r: 4,
      rank_pattern: {},
      revision: null,
      target_modules: ['q_proj', 'v_proj', 'down_proj'],
      task_type: 'CAUSAL_LM',
      use_dora: false,
      use_rslora: false,
    });
    expect(Object.keys(json)).toEqual(Object.keys(json).sort());
    expect(text).toContain('\n  "alpha_pattern": {},');
  });

  it('writes adapter_model.safetensors with PEFT key names and (r, in) / (out, r) shapes', () => {
    const dir = freshDir();
    writeLoraAdapter(dir, adapter());
    const file = SafetensorsFile.open(path.join(dir, 'adapter_model.safetensors'));
    try {
      expect(file.metadata).toEqual({ format: 'pt' });
      expect(file.tensors.size).toBe(12);
      expect(file.info('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight').shape).toEqual([4, 64]);
      expect(file.info('base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight').shape).toEqual([32, 4]);
      expect(file.info('base_model.model.model.layers.1.mlp.down_proj.lora_A.weight').shape).toEqual([4, 128]);
      expect(file.info('base_model.model.model.layers.1.mlp.down_proj.lora_B.weight').shape).toEqual([64, 4]);
    } finally {
      file.close();
    }
  });

  it('refuses matrices that do not fit their shape', () => {
    const bad = adapter();
    bad.weights.set('model.layers.0.self_attn.k_proj', { ...module(4, 64, 32, 9), inFeatures: 63 });
    expect(errorOf(() => writeLoraAdapter(freshDir(), bad)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('readLoraAdapter', () => {
  it('reads back exactly what was written, checked against the base model', () => {
    const dir = freshDir();
    const original = adapter();
    writeLoraAdapter(dir, original);
    const read = readLoraAdapter(dir, { modelConfig: config });
    expect(read.scaling).toBe(2);
    expect(read.config).toEqual(original.config);
    expect([...read.weights.keys()]).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.0.mlp.down_proj',
      'model.layers.1.self_attn.q_proj',
      'model.layers.1.self_attn.v_proj',
      'model.layers.1.mlp.down_proj',
    ]);
    for (const [name, w] of original.weights) expect(read.weights.get(name)).toEqual(w);
  });

  it('computes rsLoRA scaling and applies rank_pattern / alpha_pattern per module', () => {
    const dir = freshDir();
    const a = adapter(4, 16);
    a.weights.set('model.layers.1.self_attn.q_proj', module(8, 64, 64, 77));
    a.config = { ...a.config, useRslora: true, rankPattern: { 'layers.1.self_attn.q_proj': 8 }, alphaPattern: { down_proj: 4 } };
    writeLoraAdapter(dir, a);
    const read = readLoraAdapter(dir, { modelConfig: config });
    expect(read.scaling).toBe(16 / 2);
    expect(read.weights.get('model.layers.1.self_attn.q_proj')).toMatchObject({ r: 8, scaling: 16 / Math.sqrt(8) });
    expect(read.weights.get('model.layers.0.mlp.down_proj')).toMatchObject({ r: 4, scaling: 4 / 2 });
    expect(read.weights.get('model.layers.0.self_attn.q_proj')?.scaling).toBe(8);
  });

  it('accepts the `.default` key variant and keeps fields it does not know', () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    const a = module(2, 64, 32, 5);
    writeSafetensors(path.join(dir, 'adapter_model.safetensors'), [
      { name: 'base_model.model.model.layers.1.self_attn.k_proj.lora_A.default.weight', shape: [2, 64], data: a.A, dtype: 'BF16' },
      { name: 'base_model.model.model.layers.1.self_attn.k_proj.lora_B.default.weight', shape: [32, 2], data: a.B, dtype: 'BF16' },
    ]);
    fs.writeFileSync(
      path.join(dir, 'adapter_config.json'),
      JSON.stringify({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 2, lora_alpha: 4, target_modules: 'k_proj', eva_config: null, lora_bias: false }),
    );
    const read = readLoraAdapter(dir, { modelConfig: config });
    expect(read.weights.get('model.layers.1.self_attn.k_proj')).toMatchObject({ r: 2, inFeatures: 64, outFeatures: 32, scaling: 2 });
    expect(read.config.targetModules).toBe('k_proj');
    expect(read.config.extra).toEqual({ eva_config: null, lora_bias: false });
    expect(JSON.parse(serializeLoraConfig(read.config))).toMatchObject({ eva_config: null, lora_bias: false, r: 2 });
  });

  describe('says what is wrong (ADAPTER_INVALID)', () => {
    function broken(change: (dir: string) => void): EngineError {
      const dir = freshDir();
      writeLoraAdapter(dir, adapter());
      change(dir);
      return errorOf(() => readLoraAdapter(dir, { modelConfig: config }));
    }
    const editConfig = (dir: string, edit: (c: Record<string, unknown>) => void): void => {
      const file = path.join(dir, 'adapter_config.json');
      const c = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      edit(c);
      fs.writeFileSync(file, JSON.stringify(c));
    };

    it('a missing file', () => {
      expect(broken((d) => fs.rmSync(path.join(d, 'adapter_config.json')))).toMatchObject({
        code: 'ADAPTER_INVALID',
        message: expect.stringContaining('adapter_config.json'),
      });
      expect(broken((d) => fs.rmSync(path.join(d, 'adapter_model.safetensors')))).toMatchObject({
        code: 'ADAPTER_INVALID',
        message: expect.stringContaining('adapter_model.safetensors'),
      });
    });

    it('an unsupported adapter type or option', () => {
      expect(broken((d) => editConfig(d, (c) => (c.peft_type = 'IA3'))).message).toContain('peft_type is "IA3"');
      expect(broken((d) => editConfig(d, (c) => (c.task_type = 'SEQ_CLS'))).message).toContain('task_type');
      expect(broken((d) => editConfig(d, (c) => (c.use_dora = true))).message).toContain('DoRA');
      expect(broken((d) => editConfig(d, (c) => (c.modules_to_save = ['lm_head']))).message).toContain('modules_to_save');
      expect(broken((d) => fs.writeFileSync(path.join(d, 'adapter_config.json'), '{'))).toMatchObject({
        code: 'ADAPTER_INVALID',
        message: expect.stringContaining('adapter_config.json'),
      });
    });

    it('a rank that disagrees with the config', () => {
      expect(broken((d) => editConfig(d, (c) => (c.r = 8))).message).toContain('has rank 4, but adapter_config.json says 8');
    });

    it('matrices for another base model', () => {
      const other = { ...config, hiddenSize: 32 };
      const dir = freshDir();
      writeLoraAdapter(dir, adapter());
      expect(errorOf(() => readLoraAdapter(dir, { modelConfig: other })).message).toContain('the adapter is for another model');
      expect(errorOf(() => readLoraAdapter(dir, { modelConfig: { ...config, numLayers: 1 } })).message).toContain("beyond the base model's 1 layers");
    });

    it('tensors that are not LoRA matrices, or half a pair', () => {
      const a = module(2, 64, 64, 3);
      for (const [tensors, expected] of [
        [[{ name: 'base_model.model.lm_head.lora_A.weight', shape: [2, 64], data: a.A }], 'lm_head'],
        [[{ name: 'base_model.model.model.layers.0.mlp.q_proj.lora_A.weight', shape: [2, 64], data: a.A }], 'mlp.q_proj'],
        [[{ name: 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', shape: [2, 64], data: a.A }], 'has lora_A but no lora_B'],
      ] as const) {
        const dir = freshDir();
        writeLoraAdapter(dir, adapter());
        writeSafetensors(path.join(dir, 'adapter_model.safetensors'), tensors);
        expect(errorOf(() => readLoraAdapter(dir)).message).toContain(expected);
      }
    });
  });
});
