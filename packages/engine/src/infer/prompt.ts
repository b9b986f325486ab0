import { ChatTemplate, type ChatMessage } from '../io/chat-template.js';
import type { ModelFolder } from '../io/model-folder.js';

/** A prompt as given: plain text, or a conversation for the model's chat template. */
export type PromptInput = { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };

/**
 * The token ids a model is given for a prompt, and the text they encode. Plain text gets the
 * tokenizer's special tokens (BOS); a conversation is rendered by the chat template with the
 * generation prompt, which writes its own special tokens. The CLI and the Playground both
 * encode through here, so the same prompt gives the same ids (and, seeded, the same output).
 */
export function encodePrompt(folder: Pick<ModelFolder, 'dir' | 'tokenizer'>, prompt: PromptInput): { ids: number[]; rendered: string } {
  if (prompt.kind === 'text') return { ids: folder.tokenizer.encode(prompt.text, { addSpecialTokens: true }), rendered: prompt.text };
  const rendered = ChatTemplate.fromFolder(folder.dir, folder.tokenizer.specialTokens).render(prompt.messages, { addGenerationPrompt: true });
  return { ids: folder.tokenizer.encode(rendered, { addSpecialTokens: false }), rendered };
}
