import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatTemplate, chatTemplatesFromConfig, readChatTemplates, type ChatMessage } from '../src/io/chat-template.js';
import { errorOf } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-chat-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// Real templates, as their tokenizer_config.json files hold them (JSON-decoded).

/** HuggingFaceTB/SmolLM2-135M-Instruct (ChatML with a default system prompt). */
const smolLM2 =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** meta-llama/Llama-2-7b-chat-hf. */
const llama2 =
  "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

/** meta-llama/Meta-Llama-3-8B-Instruct. */
const llama3 =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

const chat: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello!' },
  { role: 'user', content: 'Bye' },
  { role: 'assistant', content: 'See you.' },
];

function spanTexts(template: ChatTemplate, messages: ChatMessage[]): string[] {
  const { text, spans } = template.renderWithSpans(messages);
  return spans.map((s) => text.slice(s.start, s.end));
}

describe('ChatTemplate.render', () => {
  it('renders ChatML (SmolLM2) with its default system prompt and the generation prompt', () => {
    const t = new ChatTemplate(smolLM2, { bos: '<|im_start|>', eos: '<|im_end|>' });
    expect(t.render([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe(
      '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(t.render(chat.slice(0, 3))).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n',
    );
  });

  it('renders Llama 2 [INST] turns with bos_token, eos_token and the system block', () => {
    const t = new ChatTemplate(llama2, { bos: '<s>', eos: '</s>' });
    expect(t.render(chat)).toBe('<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Bye [/INST] See you. </s>');
  });

  it('renders Llama 3 headers', () => {
    const t = new ChatTemplate(llama3, { bos: '<|begin_of_text|>', eos: '<|eot_id|>' });
    expect(t.render(chat.slice(1, 2), { addGenerationPrompt: true })).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it("reports the template's raise_exception as CHAT_TEMPLATE_FAILED with its message", () => {
    const t = new ChatTemplate(llama2, { bos: '<s>', eos: '</s>' });
    const error = errorOf(() =>
      t.render([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ]),
    );
    expect(error.code).toBe('CHAT_TEMPLATE_FAILED');
    expect(error.message).toContain('the template refused these messages: "Conversation roles must alternate user/assistant/user/assistant/..."');
  });

  it('reports parse errors and runtime errors as CHAT_TEMPLATE_FAILED', () => {
    expect(errorOf(() => new ChatTemplate('{% for m in messages %}{{ m.content }')).code).toBe('CHAT_TEMPLATE_FAILED');
    const t = new ChatTemplate("{{ messages[0]['content'].nope() }}");
    expect(errorOf(() => t.render([{ role: 'user', content: 'x' }]))).toMatchObject({
      code: 'CHAT_TEMPLATE_FAILED',
      message: expect.stringContaining('rendering failed'),
    });
  });

  it('passes tools, and picks the tool_use template of a named list when tools are given', () => {
    const templates = chatTemplatesFromConfig({
      chat_template: [
        { name: 'default', template: 'plain:{{ messages | length }}' },
        { name: 'tool_use', template: 'tools:{% for t in tools %}{{ t.name }};{% endfor %}' },
      ],
    });
    const t = new ChatTemplate(templates);
    expect(t.names).toEqual(['default', 'tool_use']);
    expect(t.render([{ role: 'user', content: 'x' }])).toBe('plain:1');
    expect(t.render([{ role: 'user', content: 'x' }], { tools: [{ name: 'get_weather' }, { name: 'add' }] })).toBe('tools:get_weather;add;');
    expect(errorOf(() => t.render([], { templateName: 'rag' })).code).toBe('CHAT_TEMPLATE_MISSING');
  });

  it('exposes tools as none when absent, like transformers, and extra variables', () => {
    const t = new ChatTemplate('{% if tools is none %}no tools{% endif %}/{{ enable_thinking }}');
    expect(t.render([], { variables: { enable_thinking: false } })).toBe('no tools/false');
  });
});

describe('reading chat templates from a model folder', () => {
  it('reads tokenizer_config.json, and lets chat_template.jinja win', () => {
    const dir = path.join(root, 'folder');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: smolLM2 }));
    expect(readChatTemplates(dir).get('default')).toBe(smolLM2);
    fs.writeFileSync(path.join(dir, 'chat_template.jinja'), llama3);
    expect(readChatTemplates(dir).get('default')).toBe(llama3);
    expect(ChatTemplate.fromFolder(dir, { bos: 'B' }).render([{ role: 'user', content: 'x' }])).toBe(
      'B<|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|>',
    );
  });

  it('says CHAT_TEMPLATE_MISSING for a base model', () => {
    const dir = path.join(root, 'base');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>' }));
    expect(readChatTemplates(dir).size).toBe(0);
    expect(errorOf(() => ChatTemplate.fromFolder(dir)).code).toBe('CHAT_TEMPLATE_MISSING');
  });
});

describe('ChatTemplate.renderWithSpans (assistant spans for completion-only training)', () => {
  it('ChatML: each span is the content and its <|im_end|>', () => {
    const t = new ChatTemplate(smolLM2, { eos: '<|im_end|>' });
    expect(spanTexts(t, chat)).toEqual(['Hello!<|im_end|>\n', 'See you.<|im_end|>\n']);
  });

  it('Llama 2: each span is the reply and its </s>', () => {
    const t = new ChatTemplate(llama2, { bos: '<s>', eos: '</s>' });
    expect(spanTexts(t, chat)).toEqual([' Hello! </s>', ' See you. </s>']);
  });

  it('Llama 3: each span is the reply and its <|eot_id|>', () => {
    const t = new ChatTemplate(llama3, { bos: '<|begin_of_text|>', eos: '<|eot_id|>' });
    const { text, spans } = t.renderWithSpans(chat);
    expect(spans.map((s) => s.messageIndex)).toEqual([2, 4]);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['Hello!<|eot_id|>', 'See you.<|eot_id|>']);
    expect(text).toBe(t.render(chat));
  });

  it('marks nothing in a conversation without assistant messages', () => {
    const t = new ChatTemplate(smolLM2);
    expect(t.renderWithSpans([{ role: 'user', content: 'Hi' }]).spans).toEqual([]);
  });

  it('falls back to sentinels when the generation prompt differs from a finished turn', () => {
    // Like Qwen3 with thinking off: the generation prompt opens an empty <think> block that finished turns lack.
    const thinking =
      "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n' }}{% endif %}";
    const t = new ChatTemplate(thinking, { eos: '<|im_end|>' });
    expect(spanTexts(t, chat)).toEqual(['Hello!<|im_end|>', 'See you.<|im_end|>']);
  });

  it('fails clearly when a template hides an assistant message', () => {
    const hiding =
      "{% for m in messages %}{% if m.role == 'assistant' and not loop.last %}[earlier reply]{% else %}{{ m.role }}: {{ m.content }}\n{% endif %}{% endfor %}";
    const t = new ChatTemplate(hiding);
    const error = errorOf(() => t.renderWithSpans(chat));
    expect(error).toMatchObject({ code: 'CHAT_TEMPLATE_FAILED', message: expect.stringContaining('assistant message 2') });
  });
});
