import { describe, expect, it } from 'vitest';
import { parseYaml, toYaml } from './yaml';

describe('tiny YAML', () => {
  const config = {
    modelId: 'mdl_1',
    datasetId: '123',
    method: 'qlora',
    lora: { r: 16, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'v_proj'], useRslora: false },
    validation: { kind: 'split', ratio: 0.1, seed: 42 },
    learningRate: 0.0002,
    maxSteps: undefined,
    note: 'a: tricky # value',
    flag: 'true',
    empty: [],
  };

  it('writes readable YAML and reads it back', () => {
    const text = toYaml(config);
    expect(text).toContain('method: qlora\n');
    expect(text).toContain('lora:\n  r: 16\n');
    expect(text).toContain('  targetModules:\n    - q_proj\n    - v_proj\n');
    expect(text).toContain('datasetId: "123"\n');
    expect(text).not.toContain('maxSteps');
    const { maxSteps: _, ...rest } = config;
    expect(parseYaml(text)).toEqual(rest);
  });

  it('accepts comments, JSON, and names the bad line', () => {
    expect(parseYaml('# mine\nepochs: 3 # more\nname: x\n')).toEqual({ epochs: 3, name: 'x' });
    expect(parseYaml('{"epochs": 2}')).toEqual({ epochs: 2 });
    expect(() => parseYaml('epochs: 1\nnot a setting\n')).toThrow(/Line 2/);
  });
});
