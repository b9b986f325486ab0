import { z } from 'zod';

/**
 * How a conversation (or a question / answer record) is written out as the text a model reads.
 * `model` is the model's own chat template. The others are for base models that have none (or
 * to override it): well-known instruction formats, and `custom` with `{system}`, `{prompt}` and
 * `{response}` placeholders. Whatever is chosen for a fine-tune is stored with its adapter, and
 * the Playground, scoring and exports prompt the adapter the same way.
 */
export const promptTemplateIds = ['model', 'alpaca', 'question-answer', 'chatml', 'llama2', 'llama3', 'mistral', 'custom'] as const;
export type PromptTemplateId = (typeof promptTemplateIds)[number];

/** The placeholders of a custom template: `{prompt}` and `{response}` are required, `{system}` optional. */
export const customTemplatePlaceholders = ['system', 'prompt', 'response'] as const;

/** The placeholders a custom template uses, in order, or a plain-words reason it cannot be used. */
export function checkCustomTemplate(template: string): { ok: true } | { ok: false; message: string } {
  const found = [...template.matchAll(/\{([^{}\s]*)\}/g)].map((m) => m[1]!);
  const unknown = found.filter((name) => !(customTemplatePlaceholders as readonly string[]).includes(name));
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `The template has {${unknown[0]}}, which is not a placeholder: use {system}, {prompt} and {response} (the question and the answer of each record).`,
    };
  }
  for (const name of ['prompt', 'response'] as const) {
    const count = found.filter((f) => f === name).length;
    if (count !== 1)
      return { ok: false, message: `The template must hold {${name}} exactly once (it holds it ${count === 0 ? 'nowhere' : `${count} times`}).` };
  }
  if (found.filter((f) => f === 'system').length > 1) return { ok: false, message: 'The template may hold {system} at most once.' };
  if (template.indexOf('{response}') < template.indexOf('{prompt}'))
    return { ok: false, message: 'In the template, {response} must come after {prompt}: the model reads the prompt, then writes the response.' };
  if (template.indexOf('{system}') > template.indexOf('{prompt}')) return { ok: false, message: 'In the template, {system} must come before {prompt}.' };
  return { ok: true };
}

const customTemplateSchema = z
  .string()
  .min(1, 'Write the template.')
  .max(4000, 'Keep the template under 4000 characters.')
  .superRefine((template, ctx) => {
    const checked = checkCustomTemplate(template);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
  });

export const promptTemplateSchema = z
  .discriminatedUnion('id', [
    z.object({ id: z.enum(['model', 'alpaca', 'question-answer', 'chatml', 'llama2', 'llama3', 'mistral']) }),
    z.object({ id: z.literal('custom'), template: customTemplateSchema }),
  ])
  .meta({ id: 'PromptTemplate' });
export type PromptTemplate = z.infer<typeof promptTemplateSchema>;

/** Per template: its name, and its shape in the placeholders of a custom template (for people to read). */
export const promptTemplateInfo: Record<PromptTemplateId, { label: string; shape: string; description: string }> = {
  model: { label: "The model's chat template", shape: '', description: 'How the model was trained to chat; only for models that have a chat template.' },
  alpaca: {
    label: 'Alpaca',
    shape: '{system}\n\n### Instruction:\n{prompt}\n\n### Response:\n{response}',
    description: 'The Stanford Alpaca instruction format. Without a system message it opens with Alpaca\'s "Below is an instruction…" line.',
  },
  'question-answer': {
    label: 'Question / Answer',
    shape: '{system}\n\nQuestion: {prompt}\nAnswer: {response}',
    description: 'Plain "Question:" and "Answer:" lines; a good start for question/answer data on a base model.',
  },
  chatml: {
    label: 'ChatML',
    shape: '<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n{response}<|im_end|>',
    description: 'The format of Qwen, SmolLM and many chat models.',
  },
  llama2: {
    label: 'Llama 2 chat',
    shape: '<s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{prompt} [/INST] {response} </s>',
    description: "Meta's Llama 2 chat format.",
  },
  llama3: {
    label: 'Llama 3 instruct',
    shape:
      '<|start_header_id|>system<|end_header_id|>\n\n{system}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n{prompt}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n{response}<|eot_id|>',
    description: "Meta's Llama 3 instruct format.",
  },
  mistral: { label: 'Mistral instruct', shape: '<s>[INST] {system}\n\n{prompt} [/INST]{response}</s>', description: "Mistral's instruct format." },
  custom: {
    label: 'Custom',
    shape: 'Question: {prompt}\nAnswer: {response}',
    description: 'Your own format, with {system}, {prompt} and {response} placeholders.',
  },
};

/** The template's name as a person reads it. */
export function promptTemplateLabel(template: PromptTemplate | null | undefined): string {
  return promptTemplateInfo[template?.id ?? 'model'].label;
}

/** What a finished adapter records of the template it was trained with. */
export const adapterPromptTemplateSchema = z
  .object({
    template: promptTemplateSchema,
    /** The Jinja chat template it was trained with, as written beside the adapter (`chat_template.jinja`). */
    chatTemplate: z.string(),
  })
  .meta({ id: 'AdapterPromptTemplate' });
export type AdapterPromptTemplate = z.infer<typeof adapterPromptTemplateSchema>;
