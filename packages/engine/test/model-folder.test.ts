import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parameterCount } from '../src/io/config.js';
import { parseGenerationConfig, readGenerationConfig } from '../src/io/generation-config.js';
import { inspectModelFolder, loadModelFolder } from '../src/io/model-folder.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { hasStories260K, skipWithoutShared, stories260K } from './shared-data.js';
import { errorOf } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-folder-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A fresh copy of a generated model, to break. */
function tinyCopy(name: string, options: Partial<Parameters<typeof makeTinyModel>[0]> = {}): string {
  return makeTinyModel({ arch: 'llama', outDir: path.join(root, name), ...options }).dir;
}

describe('generation_config.json', () => {
  it('reads sampling defaults, with eos_token_id as one id or a list', () => {
    expect(
      parseGenerationConfig({
        do_sample: true,
        temperature: 0.7,
        top_p: 0.8,
        top_k: 20,
        repetition_penalty: 1.05,
        max_new_tokens: 256,
        eos_token_id: [151645, 151643],
        bos_token_id: 151643,
        pad_token_id: 151643,
        transformers_version: '4.37.0',
      }),
    ).toEqual({
      doSample: true,
      temperature: 0.7,
      topP: 0.8,
      topK: 20,
      repetitionPenalty: 1.05,
      maxNewTokens: 256,
      eosTokenIds: [151645, 151643],
      bosTokenId: 151643,
      padTokenId: 151643,
    });
    expect(parseGenerationConfig({ eos_token_id: 2, max_length: 4096, temperature: null })).toEqual({ eosTokenIds: [2], maxLength: 4096 });
  });

  it('gives empty defaults when the file is absent', () => {
    fs.mkdirSync(path.join(root, 'empty'), { recursive: true });
    expect(readGenerationConfig(path.join(root, 'empty'))).toEqual({ eosTokenIds: [] });
  });

  it('names the field that is wrong', () => {
    expect(errorOf(() => parseGenerationConfig({ temperature: -1 }))).toMatchObject({
      code: 'MODEL_CONFIG_INVALID',
      message: expect.stringContaining('"temperature"'),
    });
    expect(errorOf(() => parseGenerationConfig({ top_p: 2 })).message).toContain('"top_p"');
    expect(errorOf(() => parseGenerationConfig({ eos_token_id: ['x'] })).message).toContain('"eos_token_id"');
    expect(errorOf(() => parseGenerationConfig([])).code).toBe('MODEL_CONFIG_INVALID');
  });
});

describe('inspectModelFolder', () => {
  it('describes a single-file model', () => {
    const dir = tinyCopy('inspect-single');
    const info = inspectModelFolder(dir);
    expect(info.config).toMatchObject({ architecture: 'llama', hiddenSize: 64, numLayers: 2, vocabSize: 512 });
    expect(info.tokenizerFiles).toEqual(['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json']);
    expect(info.hasChatTemplate).toBe(true);
    expect(info.weights).toEqual({ format: 'single', files: ['model.safetensors'], dtypes: ['F32'], tensorCount: 2 + 2 * 9 + 1 });
    expect(info.parameterCount).toBe(parameterCount(info.config));
    const onDisk = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    expect(info.sizeOnDiskBytes).toBe(onDisk);
  });

  it('describes a sharded BF16 qwen2 model', () => {
    const dir = makeTinyModel({ arch: 'qwen2', outDir: path.join(root, 'inspect-sharded'), shards: 3, dtype: 'BF16' }).dir;
    const info = inspectModelFolder(dir);
    expect(info.weights.format).toBe('sharded');
    expect(info.weights.files).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
    expect(info.weights.dtypes).toEqual(['BF16']);
    expect(info.parameterCount).toBe(parameterCount(info.config));
  });

  it.skipIf(!hasStories260K)(`describes stories260K${skipWithoutShared}`, () => {
    const info = inspectModelFolder(stories260K);
    expect(info.weights).toMatchObject({ format: 'single', dtypes: ['F32'] });
    expect(info.parameterCount).toBe(parameterCount(info.config));
    expect(info.hasChatTemplate).toBe(false);
  });

  it('names the missing file: config.json, tokenizer.json, weights, a shard', () => {
    const dir = tinyCopy('missing');
    fs.renameSync(path.join(dir, 'config.json'), path.join(dir, 'config.json.bak'));
    expect(errorOf(() => inspectModelFolder(dir))).toMatchObject({ code: 'MODEL_FILE_MISSING', message: expect.stringContaining('config.json') });
    fs.renameSync(path.join(dir, 'config.json.bak'), path.join(dir, 'config.json'));
    fs.rmSync(path.join(dir, 'tokenizer.json'));
    expect(errorOf(() => loadModelFolder(dir))).toMatchObject({ code: 'MODEL_FILE_MISSING', message: expect.stringContaining('tokenizer.json') });
    makeTinyModel({ arch: 'llama', outDir: dir });
    fs.rmSync(path.join(dir, 'model.safetensors'));
    expect(errorOf(() => inspectModelFolder(dir))).toMatchObject({ code: 'MODEL_FILE_MISSING', message: expect.stringContaining('model.safetensors') });
    const sharded = tinyCopy('missing-shard', { shards: 2 });
    fs.rmSync(path.join(sharded, 'model-00002-of-00002.safetensors'));
    expect(errorOf(() => loadModelFolder(sharded))).toMatchObject({
      code: 'MODEL_FILE_MISSING',
      message: expect.stringContaining('model-00002-of-00002.safetensors'),
    });
    expect(errorOf(() => inspectModelFolder(path.join(root, 'nowhere'))).code).toBe('MODEL_FILE_MISSING');
  });

  it('names the file that is not JSON', () => {
    const dir = tinyCopy('bad-json');
    fs.writeFileSync(path.join(dir, 'config.json'), '{"model_type": "llama",');
    expect(errorOf(() => inspectModelFolder(dir))).toMatchObject({
      code: 'MODEL_CONFIG_INVALID',
      message: expect.stringContaining('config.json is not valid JSON'),
    });
    makeTinyModel({ arch: 'llama', outDir: dir });
    fs.writeFileSync(path.join(dir, 'generation_config.json'), '{');
    expect(errorOf(() => loadModelFolder(dir)).message).toContain('generation_config.json');
    makeTinyModel({ arch: 'llama', outDir: dir });
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), '[');
    expect(errorOf(() => loadModelFolder(dir))).toMatchObject({ code: 'TOKENIZER_INVALID', message: expect.stringContaining('tokenizer_config.json') });
  });
});

describe('loadModelFolder', () => {
  it('loads config, tokenizer, generation defaults, chat template and weights', () => {
    const dir = makeTinyModel({ arch: 'qwen2', outDir: path.join(root, 'load') }).dir;
    const model = loadModelFolder(dir);
    try {
      expect(model.config).toMatchObject({ architecture: 'qwen2', qkvBias: true, tieWordEmbeddings: true });
      expect(model.generationConfig).toMatchObject({ doSample: true, temperature: 0.7, topK: 20, eosTokenIds: [511, 509] });
      expect(model.tokenizer.eosTokenIds).toEqual([511, 509]);
      expect(model.chatTemplate).toContain('<|im_start|>');
      expect(model.weights.has('model.layers.1.self_attn.q_proj.bias')).toBe(true);
      expect(model.weights.readFloat32('model.norm.weight')).toHaveLength(64);
      expect(model.tokenizer.decode(model.tokenizer.encode('Hello there'))).toBe('Hello there');
    } finally {
      model.weights.close();
    }
  });

  it.skipIf(!hasStories260K)(`loads stories260K${skipWithoutShared}`, () => {
    const model = loadModelFolder(stories260K);
    try {
      expect(model.chatTemplate).toBeNull();
      expect(model.tokenizer.encode('')).toEqual([1]);
      expect(model.generationConfig.eosTokenIds).toEqual([2]);
      expect(model.weights.info('model.embed_tokens.weight').shape).toEqual([512, 64]);
    } finally {
      model.weights.close();
    }
  });

  it('refuses a tokenizer larger than the embedding', () => {
    const dir = tinyCopy('vocab-mismatch');
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, vocab_size: 400 }));
    expect(errorOf(() => loadModelFolder(dir))).toMatchObject({ code: 'TOKENIZER_INVALID', message: expect.stringContaining('vocab_size 400') });
  });
});
