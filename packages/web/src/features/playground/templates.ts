import { templateVariables } from '@qlora-studio/contracts';

/**
 * The template gallery: starting points for a prompt, with `{{variables}}` the Playground fills
 * (and the server fills again with the same `fillTemplate`). Text-mode templates are sent as they
 * are; chat-mode ones give the system text and the first user message.
 */
interface TemplateBase {
  /** Stable id, kebab-case. */
  id: string;
  name: string;
  /** One sentence on what the template is for. */
  description: string;
  /** Text mode: the whole prompt. Chat mode: the first user message. */
  template: string;
  /** An example value for every variable in `system` and `template`. */
  sampleValues: Record<string, string>;
}

export type PromptTemplate =
  (TemplateBase & { mode: 'text'; system?: undefined }) | (TemplateBase & { mode: 'chat'; /** The system message. */ system: string });

export const promptTemplates: PromptTemplate[] = [
  {
    id: 'chat',
    name: 'Chat assistant',
    description: 'A system message that sets the role, and a question from the user.',
    mode: 'chat',
    system: 'You are a helpful assistant for {{product}}. Answer in a friendly, concise way and say so when you are not sure.',
    template: '{{question}}',
    sampleValues: {
      product: 'QLoRA Studio',
      question: 'What does the LoRA rank change, and what value should I start with?',
    },
  },
  {
    id: 'instruction',
    name: 'Instruction (Alpaca)',
    description: 'The Alpaca layout with ### Instruction, ### Input and ### Response, as many instruction datasets use.',
    mode: 'text',
    template: [
      'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.',
      '',
      '### Instruction:',
      '{{instruction}}',
      '',
      '### Input:',
      '{{input}}',
      '',
      '### Response:',
      '',
    ].join('\n'),
    sampleValues: {
      instruction: 'Translate the sentence into French.',
      input: 'The model finished training in twenty minutes.',
    },
  },
  {
    id: 'few-shot',
    name: 'Few-shot classification',
    description: 'A few labelled examples, then the case to label; the model continues the pattern.',
    mode: 'text',
    template: [
      'Classify the sentiment of each review as positive, negative or mixed.',
      '',
      'Review: The battery lasts two full days and the screen is gorgeous.',
      'Sentiment: positive',
      '',
      'Review: It stopped charging after a week and support never answered.',
      'Sentiment: negative',
      '',
      'Review: Great sound, but the case scratches far too easily.',
      'Sentiment: mixed',
      '',
      'Review: {{review}}',
      'Sentiment:',
    ].join('\n'),
    sampleValues: {
      review: 'Setup took five minutes and it has worked flawlessly since.',
    },
  },
  {
    id: 'extract-json',
    name: 'Extract to JSON',
    description: 'Pull named fields out of free text as a JSON object.',
    mode: 'text',
    template: [
      'Extract the following fields from the text: {{fields}}.',
      'Reply with a single JSON object using exactly those keys; use null for a field the text does not give.',
      '',
      'Text:',
      '{{text}}',
      '',
      'JSON:',
      '```json',
      '',
    ].join('\n'),
    sampleValues: {
      fields: 'name, company, email, meeting_date',
      text: 'Hi, this is Dana Smith from Acme Robotics. Could we meet on 3 March to talk about the pilot? You can reach me at dana@acme.example.',
    },
  },
  {
    id: 'summarize',
    name: 'Summarize',
    description: 'A short summary of a longer text for a given reader.',
    mode: 'text',
    template: [
      '# Task',
      'Summarize the text below in {{sentences}} sentences for {{audience}}. Keep names and numbers exact.',
      '',
      '# Text',
      '{{text}}',
      '',
      '# Summary',
      '',
    ].join('\n'),
    sampleValues: {
      sentences: '2',
      audience: 'a busy manager',
      text: 'QLoRA fine-tunes a large language model by freezing its weights in 4-bit precision and training small low-rank adapters on top. This cuts the memory needed by roughly four times compared with 16-bit fine-tuning, so a 7B model can be tuned on a single consumer GPU, while reaching quality close to full fine-tuning on most benchmarks.',
    },
  },
  {
    id: 'chatml',
    name: 'ChatML markup',
    description: 'A raw prompt in the ChatML format (<|im_start|> … <|im_end|>), for models trained on it.',
    mode: 'text',
    template: ['<|im_start|>system', '{{system}}<|im_end|>', '<|im_start|>user', '{{question}}<|im_end|>', '<|im_start|>assistant', ''].join('\n'),
    sampleValues: {
      system: 'You are a concise assistant.',
      question: 'Name three uses of a fine-tuned small language model.',
    },
  },
];

/** Every `{{variable}}` a template uses, system text first. */
export function promptTemplateVariables(template: PromptTemplate): string[] {
  return templateVariables(template.system ?? '', template.template);
}

export function findPromptTemplate(id: string): PromptTemplate | undefined {
  return promptTemplates.find((t) => t.id === id);
}
