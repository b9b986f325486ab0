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

  it.skipIf(!hasStories260K)(`reads the real stories260K config${skipWithoutShared}`, () => {
    const c = parseModelConfig(JSON.parse(fs.readFileSync(`${stories260K}/config.json`, 'utf8')));
    expect(c).toMatchObject({ hiddenSize: 64, headDim: 8, numHeads: 8, numKvHeads: 4, numLayers: 5, vocabSize: 512, bosTokenId: 1 });
  });
});
