import { describe, expect, it } from 'vitest';
import { emptyDraft } from './draft';
import { withLinkedPrompt } from './use-linked-model';

describe('withLinkedPrompt', () => {
  it('puts a linked prompt in the editor as a plain-text prompt', () => {
    const chat = { ...emptyDraft(), mode: 'chat' as const, text: 'old', system: 'Be brief.' };
    const next = withLinkedPrompt(chat, 'Question: 2+2?\nAnswer:');
    expect(next).toMatchObject({ mode: 'text', text: 'Question: 2+2?\nAnswer:', system: 'Be brief.' });
    expect(next.panes).toBe(chat.panes);
  });

  it('leaves the draft alone without a prompt', () => {
    const draft = { ...emptyDraft(), text: 'mine' };
    expect(withLinkedPrompt(draft, null)).toBe(draft);
    expect(withLinkedPrompt(draft, '')).toBe(draft);
  });
});
