import { promptTemplateIds, promptTemplateSchema, type PromptTemplate } from '@qlora-studio/contracts';
import { UserError } from './serve.js';

/** The flags that choose a prompt template, for parseArgs. */
export const promptTemplateFlags = {
  'prompt-template': { type: 'string' },
  'custom-template': { type: 'string' },
} as const;

/**
 * --prompt-template NAME (and --custom-template TEXT for `custom`), checked as the app checks
 * it; undefined when neither is given.
 */
export function promptTemplateFromFlags(values: { 'prompt-template'?: unknown; 'custom-template'?: unknown }): PromptTemplate | undefined {
  const id = values['prompt-template'];
  if (id === undefined) {
    if (values['custom-template'] !== undefined) throw new UserError('--custom-template needs --prompt-template custom.');
    return undefined;
  }
  if (!(promptTemplateIds as readonly unknown[]).includes(id))
    throw new UserError(`--prompt-template must be one of ${promptTemplateIds.join(', ')}, not "${String(id)}".`);
  const parsed = promptTemplateSchema.safeParse(id === 'custom' ? { id, template: String(values['custom-template'] ?? '') } : { id });
  if (!parsed.success) throw new UserError(`--custom-template: ${parsed.error.issues[0]?.message ?? 'not a usable template.'}`);
  return parsed.data;
}
