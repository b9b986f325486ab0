import { ChatTemplate, readChatTemplates, type ChatMessage } from '../io/chat-template.js';
import type { ModelFolder } from '../io/model-folder.js';
import { chatTemplateFor } from '../io/prompt-templates.js';
import type { PromptTemplate } from '@qlora-studio/contracts';
import { EngineError } from '../errors.js';

/** A prompt as given: plain text, or a conversation for the model's chat template. */
export type PromptInput = { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };

/**
 * The chat template to prompt with: an explicit prompt template first, else the one the active
 * adapter was trained with (its folder's `chat_template.jinja` / `tokenizer_config.json`), else
 * the model's own; null when there is none.
 */
export function promptChatTemplate(
  folder: Pick<ModelFolder, 'tokenizer' | 'chatTemplate'>,
  options: { adapterDir?: string | null; promptTemplate?: PromptTemplate | null } = {},
): ChatTemplate | null {
  if (options.promptTemplate && options.promptTemplate.id !== 'model') return chatTemplateFor(folder, options.promptTemplate);
  if (options.adapterDir) {
    const trained = readChatTemplates(options.adapterDir);
    if (trained.size > 0) return new ChatTemplate(trained, folder.tokenizer.specialTokens);
  }
  return chatTemplateFor(folder, options.promptTemplate);
}

/**
 * The token ids a model is given for a prompt, and the text they encode. Plain text gets the
 * tokenizer's special tokens (BOS); a conversation is rendered by the chat template (the
 * model's own unless `chatTemplate` is given, see `promptChatTemplate`) with the generation
 * prompt, which writes its own special tokens. The CLI and the Playground both encode through
 * here, so the same prompt gives the same ids (and, seeded, the same output).
 */
export function encodePrompt(
  folder: Pick<ModelFolder, 'tokenizer' | 'chatTemplate'>,
  prompt: PromptInput,
  chatTemplate?: ChatTemplate | null,
): { ids: number[]; rendered: string } {
  if (prompt.kind === 'text') return { ids: folder.tokenizer.encode(prompt.text, { addSpecialTokens: true }), rendered: prompt.text };
  const template = chatTemplate === undefined ? promptChatTemplate(folder) : chatTemplate;
  if (!template)
    throw new EngineError(
      'CHAT_TEMPLATE_MISSING',
      'This model has no chat template to render a conversation with: use a text prompt, or choose a prompt template.',
    );
  const rendered = template.render(prompt.messages, { addGenerationPrompt: true });
  return { ids: folder.tokenizer.encode(rendered, { addSpecialTokens: false }), rendered };
}
