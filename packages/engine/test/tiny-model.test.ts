import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { parameterCount, parseModelConfig } from '../src/io/config.js';
import { SafetensorsFile } from '../src/io/safetensors.js';
import { Tokenizer } from '../src/io/tokenizer.js';
import { ModelWeights } from '../src/io/weights.js';
import { BYTE_TO_UNICODE, trainByteLevelBpe } from '../src/testing/bpe.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { ChatTemplate } from '../src/io/chat-template.js';
import { weightNames } from '../src/model/weight-names.js';
import { errorOf } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-tiny-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => path.join(root, `m${counter++}`);
const readJson = (dir: string, file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;

function tensorShapes(dir: string): Record<string, number[]> {
  const weights = ModelWeights.open(dir);
  try {
    return Object.fromEntries(
      weights
        .names()
        .sort()
        .map((name) => [name, weights.info(name).shape]),
    );
  } finally {
    weights.close();
  }
}

describe('makeTinyModel', () => {
  it('writes a llama folder with HF config fields and exact tensor names and shapes', () => {
    const dir = freshDir();
    const model = makeTinyModel({ arch: 'llama', outDir: dir });
    expect(model.files).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const raw = readJson(dir, 'config.json');
    expect(raw).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      intermediate_size: 128,
      vocab_size: 512,
      tie_word_embeddings: false,
      torch_dtype: 'float32',
    });
    const config = parseModelConfig(raw);
    expect(config).toMatchObject({ headDim: 16, qkvBias: false, bosTokenId: 0, eosTokenIds: [1] });
    const shapes = tensorShapes(dir);
    expect(Object.keys(shapes)).toHaveLength(2 * 9 + 3);
    expect(shapes).toMatchObject({
      'model.embed_tokens.weight': [512, 64],
      'lm_head.weight': [512, 64],
      'model.norm.weight': [64],
      'model.layers.0.input_layernorm.weight': [64],
      'model.layers.0.post_attention_layernorm.weight': [64],
      'model.layers.1.self_attn.q_proj.weight': [64, 64],
      'model.layers.1.self_attn.k_proj.weight': [32, 64],
      'model.layers.1.self_attn.v_proj.weight': [32, 64],
      'model.layers.1.self_attn.o_proj.weight': [64, 64],
      'model.layers.1.mlp.gate_proj.weight': [128, 64],
      'model.layers.1.mlp.up_proj.weight': [128, 64],
      'model.layers.1.mlp.down_proj.weight': [64, 128],
    });
  });

  it('writes qwen2 with q/k/v biases and tied embeddings', () => {
    const dir = freshDir();
    makeTinyModel({ arch: 'qwen2', outDir: dir, hiddenSize: 32, heads: 2, kvHeads: 1, layers: 1, intermediateSize: 48, vocabSize: 320 });
    const raw = readJson(dir, 'config.json');
    expect(raw).toMatchObject({ architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', tie_word_embeddings: true, use_sliding_window: false });
    const config = parseModelConfig(raw);
    expect(config).toMatchObject({ qkvBias: true, tieWordEmbeddings: true, vocabSize: 320, headDim: 16 });
    const shapes = tensorShapes(dir);
    expect(shapes['lm_head.weight']).toBeUndefined();
    expect(shapes).toMatchObject({
      'model.layers.0.self_attn.q_proj.bias': [32],
      'model.layers.0.self_attn.k_proj.bias': [16],
      'model.layers.0.self_attn.v_proj.bias': [16],
    });
    expect(shapes['model.layers.0.self_attn.o_proj.bias']).toBeUndefined();
    const count = Object.values(shapes).reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
    expect(count).toBe(parameterCount(config));
  });

  it('draws weights near N(0, 0.02) and norms near 1', () => {
    const dir = freshDir();
    makeTinyModel({ arch: 'llama', outDir: dir, seed: 3 });
    const file = SafetensorsFile.open(path.join(dir, 'model.safetensors'));
    try {
      const w = file.readFloat32('model.embed_tokens.weight');
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
      expect(Math.abs(mean)).toBeLessThan(0.001);
      expect(std).toBeGreaterThan(0.019);
      expect(std).toBeLessThan(0.021);
      for (const v of file.readFloat32('model.norm.weight')) expect(Math.abs(v - 1)).toBeLessThan(0.1);
    } finally {
      file.close();
    }
  });

  it('is byte-identical for the same options, and differs with the seed', () => {
    const [a, b, c] = [freshDir(), freshDir(), freshDir()];
    makeTinyModel({ arch: 'qwen2', outDir: a, seed: 7 });
    makeTinyModel({ arch: 'qwen2', outDir: b, seed: 7 });
    makeTinyModel({ arch: 'qwen2', outDir: c, seed: 8 });
    for (const file of fs.readdirSync(a)) expect(fs.readFileSync(path.join(b, file)).equals(fs.readFileSync(path.join(a, file))), file).toBe(true);
    expect(fs.readFileSync(path.join(c, 'model.safetensors')).equals(fs.readFileSync(path.join(a, 'model.safetensors')))).toBe(false);
    expect(fs.readFileSync(path.join(c, 'tokenizer.json')).equals(fs.readFileSync(path.join(a, 'tokenizer.json')))).toBe(true);
  });

  it('stores BF16 and F16, and shards with an index, replacing stale weight files', () => {
    const dir = freshDir();
    makeTinyModel({ arch: 'llama', outDir: dir, dtype: 'F16' });
    expect(JSON.stringify(readJson(dir, 'config.json'))).toContain('"torch_dtype":"float16"');
    const single = new Set(Object.keys(tensorShapes(dir)));
    const sharded = makeTinyModel({ arch: 'llama', outDir: dir, dtype: 'BF16', shards: 2 });
    expect(fs.existsSync(path.join(dir, 'model.safetensors'))).toBe(false);
    expect(sharded.files).toContain('model.safetensors.index.json');
    const index = readJson(dir, 'model.safetensors.index.json') as { metadata: { total_size: number }; weight_map: Record<string, string> };
    expect(new Set(Object.keys(index.weight_map))).toEqual(single);
    expect(new Set(Object.values(index.weight_map))).toEqual(new Set(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']));
    const params = Object.values(tensorShapes(dir)).reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
    expect(index.metadata.total_size).toBe(params * 2);
    const weights = ModelWeights.open(dir);
    expect(weights.info('model.norm.weight').dtype).toBe('BF16');
    weights.close();
  });

  it('rejects impossible shapes', () => {
    expect(errorOf(() => makeTinyModel({ arch: 'llama', outDir: freshDir(), vocabSize: 299 })).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => makeTinyModel({ arch: 'llama', outDir: freshDir(), hiddenSize: 30, heads: 4 })).message).toContain('multiple of heads');
    expect(errorOf(() => makeTinyModel({ arch: 'llama', outDir: freshDir(), heads: 4, kvHeads: 3 })).message).toContain('kvHeads');
  });
});

describe('makeTinyModel for every family', () => {
  it.each([
    ['qwen3', { qkNorm: true, qkvBias: false, tieWordEmbeddings: true, normOffset: 0 }, 2 * 11 + 2],
    [
      'gemma2',
      { sandwichNorms: true, normOffset: 1, activation: 'gelu_tanh', attnSoftcap: 50, finalSoftcap: 30, layerTypes: ['sliding', 'full'], slidingWindow: 4 },
      2 * 11 + 2,
    ],
    [
      'gemma3_text',
      { sandwichNorms: true, qkNorm: true, attnSoftcap: null, layerTypes: ['sliding', 'full'], localRope: { theta: 10000, scaling: { type: 'none' } } },
      2 * 13 + 2,
    ],
    ['mistral', { qkNorm: false, sandwichNorms: false, layerTypes: ['full', 'full'] }, 2 * 9 + 3],
  ])('%s: config.json read through its descriptor, every tensor the config names', (arch, features, tensors) => {
    const dir = freshDir();
    makeTinyModel({ arch, outDir: dir });
    const config = parseModelConfig(readJson(dir, 'config.json'));
    expect(config).toMatchObject({ architecture: arch, ...features });
    expect(Object.keys(tensorShapes(dir)).sort()).toEqual(weightNames(config).sort());
    expect(Object.keys(tensorShapes(dir))).toHaveLength(tensors);
  });

  it('gemma: BOS first, the Gemma chat template, <end_of_turn> ends generation', () => {
    const dir = freshDir();
    const { specialTokenIds } = makeTinyModel({ arch: 'gemma2', outDir: dir });
    expect(specialTokenIds).toEqual({ '<pad>': 0, '<eos>': 1, '<bos>': 2, '<start_of_turn>': 3, '<end_of_turn>': 4 });
    const tokenizer = Tokenizer.fromFolder(dir);
    expect(tokenizer.encode('hi')[0]).toBe(2);
    const template = new ChatTemplate(String(readJson(dir, 'tokenizer_config.json').chat_template), { bos: '<bos>', eos: '<eos>' });
    expect(
      template.render(
        [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
        ],
        { addGenerationPrompt: false },
      ),
    ).toBe('<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello<end_of_turn>\n');
    expect(readJson(dir, 'generation_config.json')).toMatchObject({ bos_token_id: 2, eos_token_id: [1, 4] });
  });
});

describe('the generated tokenizer', () => {
  it('is real byte-level BPE: 256 byte tokens, learned merges, specials where the arch puts them', () => {
    for (const arch of ['llama', 'qwen2'] as const) {
      const dir = freshDir();
      const { specialTokenIds } = makeTinyModel({ arch, outDir: dir, vocabSize: 600 });
      const json = readJson(dir, 'tokenizer.json') as { model: { type: string; vocab: Record<string, number>; merges: string[] }; added_tokens: unknown[] };
      expect(json.model.type).toBe('BPE');
      expect(json.model.merges.length).toBeGreaterThan(300);
      for (const symbol of BYTE_TO_UNICODE) expect(json.model.vocab[symbol]).toBeTypeOf('number');
      expect(specialTokenIds).toEqual(
        arch === 'llama' ? { '<s>': 0, '</s>': 1, '<|im_start|>': 2, '<|im_end|>': 3 } : { '<|endoftext|>': 597, '<|im_start|>': 598, '<|im_end|>': 599 },
      );
      const tokenizer = Tokenizer.fromFolder(dir);
      expect(tokenizer.vocabSize).toBe(600);
      const text = 'Once upon a time, the children went to the park.';
      expect(tokenizer.encode(text, { addSpecialTokens: false }).length).toBeLessThan(text.length / 2);
      expect(tokenizer.encode(' the', { addSpecialTokens: false })).toHaveLength(1);
    }
  });

  it('loads with @huggingface/tokenizers directly and agrees with our Tokenizer', () => {
    const dir = freshDir();
    makeTinyModel({ arch: 'qwen2', outDir: dir });
    const hf = new HfTokenizer(readJson(dir, 'tokenizer.json'), readJson(dir, 'tokenizer_config.json'));
    const ours = Tokenizer.fromFolder(dir);
    const text = 'Hello! <|im_start|>user\nWhat is 2+2?<|im_end|> — fine 👍';
    const ids = hf.encode(text).ids;
    expect(ours.encode(text)).toEqual(ids);
    expect(hf.decode(ids)).toBe(text);
  });

  it('fills the vocabulary with reserved tokens when the corpus runs out of merges', () => {
    const dir = freshDir();
    makeTinyModel({ arch: 'llama', outDir: dir, vocabSize: 5000, hiddenSize: 16, heads: 2, kvHeads: 1, intermediateSize: 16, layers: 1 });
    const tokenizer = Tokenizer.fromFolder(dir);
    expect(tokenizer.vocabSize).toBe(5000);
    expect(tokenizer.idToToken(4999)).toMatch(/^<\|reserved_\d+\|>$/);
    expect(tokenizer.isSpecial(4999)).toBe(true);
    expect(tokenizer.decode(tokenizer.encode('still round-trips ✓', { addSpecialTokens: false }))).toBe('still round-trips ✓');
  });

  it('trains merges deterministically, most frequent pair first', () => {
    const bpe = trainByteLevelBpe('aa aa aa ab', 3);
    expect(bpe.merges[0]).toEqual(['a', 'a']);
    expect(trainByteLevelBpe('the cat and the hat', 5)).toEqual(trainByteLevelBpe('the cat and the hat', 5));
  });
});
