import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../src/errors.js';
import { parameterCount, parseModelConfig } from '../src/io/config.js';
import { hasStories260K, skipWithoutShared, stories260K } from './shared-data.js';

const smolLM2 = {
  model_type: 'llama',
  hidden_size: 576,
  intermediate_size: 1536,
  num_hidden_layers: 30,
  num_attention_heads: 9,
  num_key_value_heads: 3,
  vocab_size: 49152,
  max_position_embeddings: 8192,
  rms_norm_eps: 1e-5,
  rope_theta: 100000,
  tie_word_embeddings: true,
  hidden_act: 'silu',
  bos_token_id: 1,
  eos_token_id: 2,
};

function errorOf(raw: unknown): EngineError {
  try {
    parseModelConfig(raw);
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

describe('parseModelConfig', () => {
  it('reads a SmolLM2 (llama) config, with head_dim derived and GQA', () => {
    const c = parseModelConfig(smolLM2);
    expect(c).toMatchObject({ architecture: 'llama', headDim: 64, numKvHeads: 3, tieWordEmbeddings: true, qkvBias: false, eosTokenIds: [2] });
    expect(parameterCount(c)).toBe(134_515_008); // SmolLM2-135M's published parameter count
  });

  it('gives qwen2 its q/k/v biases and reads a list of EOS ids', () => {
    const c = parseModelConfig({ ...smolLM2, model_type: 'qwen2', eos_token_id: [151645, 151643] });
    expect(c).toMatchObject({ qkvBias: true, oBias: false, eosTokenIds: [151645, 151643] });
  });

  it('reads rope_parameters and llama3 rope scaling', () => {
    const v5 = parseModelConfig({ ...smolLM2, rope_theta: undefined, rope_parameters: { rope_type: 'default', rope_theta: 500000 } });
    expect(v5.rope.theta).toBe(500000);
    const llama3 = parseModelConfig({
      ...smolLM2,
      rope_scaling: { rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
    });
    expect(llama3.rope.scaling).toEqual({ type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
  });

  it('names an unsupported architecture, a missing field and a bad value', () => {
    expect(errorOf({ ...smolLM2, model_type: 'gpt2' })).toMatchObject({ code: 'UNSUPPORTED_ARCHITECTURE', message: expect.stringContaining('gpt2') });
    expect(errorOf({ ...smolLM2, hidden_size: undefined })).toMatchObject({ code: 'MODEL_CONFIG_INVALID', message: expect.stringContaining('hidden_size') });
    expect(errorOf({ ...smolLM2, num_key_value_heads: 4 }).message).toMatch(/must divide/);
    expect(errorOf({ ...smolLM2, rope_scaling: { rope_type: 'yarn', factor: 4 } }).code).toBe('UNSUPPORTED_ARCHITECTURE');
    expect(errorOf([]).code).toBe('MODEL_CONFIG_INVALID');
  });

  // The config.json fields of the published checkpoints; their published parameter counts
  // check that the descriptor names every tensor (q/k norms, four norms a layer, tied heads).
  const qwen3 = {
    model_type: 'qwen3',
    hidden_size: 1024,
    intermediate_size: 3072,
    num_hidden_layers: 28,
    num_attention_heads: 16,
    num_key_value_heads: 8,
    head_dim: 128,
    vocab_size: 151936,
    max_position_embeddings: 40960,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000,
    rope_scaling: null,
    attention_bias: false,
    hidden_act: 'silu',
    tie_word_embeddings: true,
    use_sliding_window: false,
    sliding_window: null,
    max_window_layers: 28,
    bos_token_id: 151643,
    eos_token_id: 151645,
  };
  const gemma2 = {
    model_type: 'gemma2',
    hidden_size: 2304,
    intermediate_size: 9216,
    num_hidden_layers: 26,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    head_dim: 256,
    vocab_size: 256000,
    max_position_embeddings: 8192,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    attention_bias: false,
    hidden_act: 'gelu_pytorch_tanh',
    hidden_activation: 'gelu_pytorch_tanh',
    query_pre_attn_scalar: 256,
    sliding_window: 4096,
    final_logit_softcapping: 30,
    attn_logit_softcapping: 50,
    cache_implementation: 'hybrid',
    bos_token_id: 2,
    eos_token_id: [1, 107],
  };
  const gemma3 = {
    model_type: 'gemma3_text',
    hidden_size: 1152,
    intermediate_size: 6912,
    num_hidden_layers: 26,
    num_attention_heads: 4,
    num_key_value_heads: 1,
    head_dim: 256,
    vocab_size: 262144,
    max_position_embeddings: 32768,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000,
    rope_local_base_freq: 10000,
    rope_scaling: null,
    attention_bias: false,
    hidden_activation: 'gelu_pytorch_tanh',
    query_pre_attn_scalar: 256,
    sliding_window: 512,
    sliding_window_pattern: 6,
    final_logit_softcapping: null,
    attn_logit_softcapping: null,
    bos_token_id: 2,
    eos_token_id: [1, 106],
  };

  it('reads Qwen3-0.6B: q/k norms, no biases, tied (596,049,920 parameters as published)', () => {
    const c = parseModelConfig(qwen3);
    expect(c).toMatchObject({
      architecture: 'qwen3',
      qkNorm: true,
      qkvBias: false,
      sandwichNorms: false,
      normOffset: 0,
      activation: 'silu',
      headDim: 128,
      slidingWindow: null,
    });
    expect(c.attentionScale).toBeCloseTo(1 / Math.sqrt(128), 12);
    expect(parameterCount(c)).toBe(596_049_920);
  });

  it('reads Gemma-2-2B: sandwich norms with +1, GeGLU, soft-caps, every even layer sliding (2,614,341,888 parameters)', () => {
    const c = parseModelConfig(gemma2);
    expect(c).toMatchObject({
      sandwichNorms: true,
      normOffset: 1,
      activation: 'gelu_tanh',
      attnSoftcap: 50,
      finalSoftcap: 30,
      slidingWindow: 4096,
      tieWordEmbeddings: true,
      qkNorm: false,
    });
    expect(c.embeddingScale).toBe(Math.fround(Math.sqrt(2304)));
    expect(c.attentionScale).toBeCloseTo(1 / 16, 12);
    expect(c.layerTypes.slice(0, 4)).toEqual(['sliding', 'full', 'sliding', 'full']);
    expect(parameterCount(c)).toBe(2_614_341_888);
    // transformers ≥ 4.53 lists the layer types; they win over the family's rule.
    const listed = parseModelConfig({ ...gemma2, num_hidden_layers: 2, layer_types: ['full_attention', 'sliding_attention'] });
    expect(listed.layerTypes).toEqual(['full', 'sliding']);
  });

  it('reads Gemma-3-1B: q/k norms, five of six layers sliding on their own RoPE base (999,885,952 parameters)', () => {
    const c = parseModelConfig(gemma3);
    expect(c).toMatchObject({ qkNorm: true, sandwichNorms: true, attnSoftcap: null, finalSoftcap: null, slidingWindow: 512 });
    expect(c.layerTypes.slice(0, 6)).toEqual(['sliding', 'sliding', 'sliding', 'sliding', 'sliding', 'full']);
    expect(c.rope).toEqual({ theta: 1000000, scaling: { type: 'none' } });
    expect(c.localRope).toEqual({ theta: 10000, scaling: { type: 'none' } });
    expect(parameterCount(c)).toBe(999_885_952);
  });

  it('names what a family cannot run: an unknown activation, bad layer types, a window missing', () => {
    expect(errorOf({ ...gemma2, hidden_activation: 'relu' })).toMatchObject({ code: 'UNSUPPORTED_ARCHITECTURE', message: expect.stringContaining('relu') });
    expect(errorOf({ ...gemma3, num_hidden_layers: 2, layer_types: ['full_attention'] }).message).toMatch(/layer_types.*1 layers.*2/);
    expect(errorOf({ ...gemma3, num_hidden_layers: 2, layer_types: ['full_attention', 'chunked_attention'] }).message).toContain('chunked_attention');
    expect(errorOf({ ...gemma2, sliding_window: null }).message).toContain('sliding_window');
    expect(errorOf({ ...qwen3, model_type: 'gemma3' }).message).toContain('gemma3_text');
  });

  it.skipIf(!hasStories260K)(`reads the real stories260K config${skipWithoutShared}`, () => {
    const c = parseModelConfig(JSON.parse(fs.readFileSync(`${stories260K}/config.json`, 'utf8')));
    expect(c).toMatchObject({ hiddenSize: 64, headDim: 8, numHeads: 8, numKvHeads: 4, numLayers: 5, vocabSize: 512, bosTokenId: 1 });
  });
});
