import type { JudgeConnection } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { draftOf, isDirty, judgeBody, keyStatus, latencyText } from './judge-form';

const none: JudgeConnection = { baseUrl: null, model: null, apiKeySet: false };
const stored: JudgeConnection = { baseUrl: 'http://localhost:8000/v1', model: 'qwen', apiKeySet: true };

describe('the judge endpoint form', () => {
  it('starts from the stored endpoint, with the key field empty', () => {
    expect(draftOf(stored)).toEqual({ baseUrl: 'http://localhost:8000/v1', model: 'qwen', apiKey: '' });
    expect(draftOf(none)).toEqual({ baseUrl: '', model: '', apiKey: '' });
    expect(isDirty(draftOf(stored), stored)).toBe(false);
    expect(isDirty({ ...draftOf(stored), model: 'llama' }, stored)).toBe(true);
    expect(isDirty({ ...draftOf(stored), apiKey: 'sk-1' }, stored)).toBe(true);
  });

  it('sends a typed key, and leaves the key out (kept) when the field is empty', () => {
    expect(judgeBody({ baseUrl: ' http://localhost:8000/v1 ', model: 'qwen', apiKey: ' sk-1 ' })).toEqual({
      body: { baseUrl: 'http://localhost:8000/v1', model: 'qwen', apiKey: 'sk-1' },
    });
    expect(judgeBody({ baseUrl: 'http://localhost:8000/v1', model: 'qwen', apiKey: '' })).toEqual({
      body: { baseUrl: 'http://localhost:8000/v1', model: 'qwen' },
    });
  });

  it('names what is wrong with each field, with the server schema’s messages', () => {
    const missing = judgeBody({ baseUrl: '', model: '', apiKey: '' });
    expect('errors' in missing && missing.errors).toEqual({
      baseUrl: expect.stringContaining('Enter the base URL'),
      model: expect.stringContaining('Name the judge model'),
    });
    const bad = judgeBody({ baseUrl: 'localhost:8000', model: ' ', apiKey: '' });
    expect('errors' in bad && bad.errors.baseUrl).toContain('http(s) address');
    expect('errors' in bad && bad.errors.model).toContain('Name the judge model');
  });

  it('says whether a key is set, and formats the latency', () => {
    expect(keyStatus(stored, draftOf(stored))).toBe('A key is set');
    expect(keyStatus(none, draftOf(none))).toBe('No key is set');
    expect(keyStatus(none, { ...draftOf(none), apiKey: 'x' })).toBe('A new key will be saved');
    expect(latencyText(412.4)).toBe('412 ms');
    expect(latencyText(2430)).toBe('2.4 s');
  });
});
