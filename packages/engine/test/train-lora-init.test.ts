import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../src/errors.js';
import { createLoraConfig, readLoraAdapter, writeLoraAdapter, type LoraConfig } from '../src/io/peft.js';
import { testModelConfig } from '../src/model/random-weights.js';
import { LAYER_LINEARS } from '../src/model/weight-names.js';
import { initLoraAdapter, kaimingUniformA, loraABound, resolveLoraTargets } from '../src/train/lora-init.js';
import { Mulberry32 } from '../src/train/rng-state.js';
import { seededRng } from '../src/util/random.js';
import { errorOf } from './helpers.js';

// hidden 32, intermediate 48, 4 heads × 8, 2 KV heads, 2 layers
const model = testModelConfig();
const lora = (fields: Partial<LoraConfig> = {}): LoraConfig => createLoraConfig({ r: 4, loraAlpha: 8, targetModules: ['q_proj', 'v_proj'], ...fields });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-lora-init-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Mulberry32 with saved state', () => {
  it('yields the seededRng sequence and resumes from its state', () => {
    const a = new Mulberry32(42);
    const b = seededRng(42);
    for (let i = 0; i < 5; i++) expect(a.next()).toBe(b());
    const resumed = Mulberry32.fromState(JSON.parse(JSON.stringify(a.state)) as number);
    expect([resumed.next(), resumed.next()]).toEqual([a.next(), a.next()]);
    expect(() => Mulberry32.fromState(-1)).toThrow(EngineError);
  });
});

describe('LoRA init (PEFT init_lora_weights=True)', () => {
  it('uses bound 1/√fan_in for kaiming_uniform_(a=√5)', () => {
    expect(loraABound(64)).toBeCloseTo(1 / 8, 15);
    expect(loraABound(48)).toBeCloseTo(1 / Math.sqrt(48), 15);
  });

  it('draws A within ±bound, spread over the range, with mean near 0', () => {
    const fanIn = 100;
    const a = kaimingUniformA(8, fanIn, new Mulberry32(3));
    const bound = Math.fround(loraABound(fanIn));
    expect(a.length).toBe(800);
    let sum = 0;
    for (const x of a) {
      expect(Math.abs(x)).toBeLessThanOrEqual(bound);
      sum += x;
    }
    expect(Math.max(...a)).toBeGreaterThan(0.95 * bound);
    expect(Math.min(...a)).toBeLessThan(-0.95 * bound);
    expect(Math.abs(sum / a.length)).toBeLessThan(0.1 * bound);
  });

  it('gives A (r, in), B (out, r) zeros and alpha/r scaling (alpha/√r with rsLoRA)', () => {
    const adapter = initLoraAdapter(model, lora(), 1);
    expect([...adapter.weights.keys()]).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.1.self_attn.q_proj',
      'model.layers.1.self_attn.v_proj',
    ]);
    const v = adapter.weights.get('model.layers.1.self_attn.v_proj')!;
    expect([v.r, v.inFeatures, v.outFeatures, v.A.length, v.B.length]).toEqual([4, 32, 16, 4 * 32, 16 * 4]);
    expect(v.B.every((x) => x === 0)).toBe(true);
    expect(v.A.some((x) => x !== 0)).toBe(true);
    expect([adapter.scaling, v.scaling]).toEqual([2, 2]);
    expect(initLoraAdapter(model, lora({ useRslora: true }), 1).scaling).toBe(4);
  });

  it('is the same bit for bit for the same seed, and differs for another', () => {
    const a = initLoraAdapter(model, lora(), 5);
    const b = initLoraAdapter(model, lora(), 5);
    const c = initLoraAdapter(model, lora(), 6);
    const q = 'model.layers.0.self_attn.q_proj';
    expect(b.weights.get(q)!.A).toEqual(a.weights.get(q)!.A);
    expect(c.weights.get(q)!.A).not.toEqual(a.weights.get(q)!.A);
  });

  it('round-trips through writeLoraAdapter / readLoraAdapter', () => {
    const adapter = initLoraAdapter(model, lora({ targetModules: 'all-linear' }), 2);
    writeLoraAdapter(dir, adapter);
    const back = readLoraAdapter(dir, { modelConfig: model });
    expect([...back.weights.keys()].sort()).toEqual([...adapter.weights.keys()].sort());
    const d = 'model.layers.1.mlp.down_proj';
    expect(back.weights.get(d)!.A).toEqual(adapter.weights.get(d)!.A);
  });
});

describe('LoRA target resolution', () => {
  it('resolves all-linear to the seven layer linears of every layer, without lm_head', () => {
    const targets = resolveLoraTargets(model, lora({ targetModules: 'all-linear' }));
    expect(targets.length).toBe(2 * 7);
    expect(targets.slice(0, 7).map((t) => t.linear)).toEqual([...LAYER_LINEARS]);
    expect(targets.some((t) => t.module.includes('lm_head'))).toBe(false);
    const mlp = initLoraAdapter(model, lora({ targetModules: 'all-linear' }), 1).weights.get('model.layers.0.mlp.down_proj')!;
    expect([mlp.inFeatures, mlp.outFeatures]).toEqual([48, 32]);
  });

  it('matches dotted suffixes and whole-path regexes as PEFT, and honours layers_to_transform', () => {
    expect(resolveLoraTargets(model, lora({ targetModules: ['mlp.up_proj'] })).map((t) => t.module)).toEqual([
      'model.layers.0.mlp.up_proj',
      'model.layers.1.mlp.up_proj',
    ]);
    expect(resolveLoraTargets(model, lora({ targetModules: '.*\\.1\\..*(k|o)_proj' })).map((t) => t.module)).toEqual([
      'model.layers.1.self_attn.k_proj',
      'model.layers.1.self_attn.o_proj',
    ]);
    expect(resolveLoraTargets(model, lora({ layersToTransform: [1] })).map((t) => t.module)).toEqual([
      'model.layers.1.self_attn.q_proj',
      'model.layers.1.self_attn.v_proj',
    ]);
  });

  it('refuses unknown targets, naming them and the valid names', () => {
    const e = errorOf(() => initLoraAdapter(model, lora({ targetModules: ['q_proj', 'qkv_proj'] }), 1));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/"qkv_proj"/);
    expect(e.message).toMatch(/q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj or "all-linear"/);
    expect(errorOf(() => initLoraAdapter(model, lora({ targetModules: ['lm_head'] }), 1)).message).toMatch(/only the layer linears/);
    expect(errorOf(() => initLoraAdapter(model, lora({ targetModules: [] }), 1)).message).toMatch(/empty/);
    expect(errorOf(() => initLoraAdapter(model, lora({ targetModules: 'nothing' }), 1)).message).toMatch(/matches no layer linear/);
    expect(errorOf(() => initLoraAdapter(model, lora({ targetModules: '(' }), 1)).message).toMatch(/not a valid regular expression/);
    expect(errorOf(() => initLoraAdapter(model, lora({ layersToTransform: [2] }), 1)).message).toMatch(/layers 0–1/);
  });

  it.each([
    [{ r: 0 }, /r must be a whole number ≥ 1, not 0/],
    [{ r: 2.5 }, /r must be a whole number/],
    [{ loraAlpha: 0 }, /lora_alpha must be a number > 0/],
    [{ loraDropout: 1 }, /lora_dropout must be in \[0, 1\), not 1/],
    [{ loraDropout: -0.1 }, /lora_dropout/],
    [{ initLoraWeights: 'pissa' }, /init_lora_weights "pissa" is not supported/],
    [{ useDora: true }, /use_dora/],
    [{ bias: 'all' }, /bias "all"/],
    [{ rankPattern: { q_proj: 8 } }, /rank_pattern/],
  ] as [Partial<LoraConfig>, RegExp][])('refuses %o', (fields, message) => {
    const e = errorOf(() => initLoraAdapter(model, lora(fields), 1));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(message);
  });
});
