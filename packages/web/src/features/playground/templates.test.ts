import { fillTemplate } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { findPromptTemplate, promptTemplates, promptTemplateVariables } from './templates';

describe('prompt templates', () => {
  it('offers chat, instruction, few-shot, extract-to-JSON and summarize starting points', () => {
    for (const id of ['chat', 'instruction', 'few-shot', 'extract-json', 'summarize']) expect(findPromptTemplate(id), id).toBeDefined();
    expect(findPromptTemplate('chat')?.mode).toBe('chat');
    expect(findPromptTemplate('instruction')?.template).toMatch(/### Instruction:\n\{\{instruction\}\}[\s\S]*### Response:\n/);
  });

  it('has unique ids and names', () => {
    expect(new Set(promptTemplates.map((t) => t.id)).size).toBe(promptTemplates.length);
    expect(new Set(promptTemplates.map((t) => t.name)).size).toBe(promptTemplates.length);
  });

  it.each(promptTemplates.map((t) => [t.id, t] as const))('%s uses variables, each with a non-empty sample value and no extras', (_id, t) => {
    const names = promptTemplateVariables(t);
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(t.sampleValues).sort()).toEqual([...names].sort());
    for (const name of names) expect(t.sampleValues[name]?.trim(), name).toBeTruthy();
  });

  it.each(promptTemplates.map((t) => [t.id, t] as const))('%s fills completely with its sample values', (_id, t) => {
    for (const text of [t.template, t.system ?? '']) {
      const filled = fillTemplate(text, t.sampleValues);
      expect(filled.missing).toEqual([]);
      expect(filled.text).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('gives chat templates a system message and text templates none', () => {
    for (const t of promptTemplates) {
      if (t.mode === 'chat') expect(t.system.trim()).not.toBe('');
      else expect(t.system).toBeUndefined();
    }
  });
});
