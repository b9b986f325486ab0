import type { languages } from 'monaco-editor/editor';

/** Monaco language id of the Playground's prompt templates. */
export const promptLanguageId = 'prompt-template';

/** Roles that open a turn in plain-text prompts ("User:", "Assistant:" …) at the start of a line. */
const roles = 'System|User|Assistant|Human|AI|Bot|Question|Answer|Input|Output|Context|Instruction|Response';

/**
 * Token names the themes colour (see editor-themes.ts): `variable` for `{{name}}`, `keyword`
 * for section and role markers, `tag` for special tokens, `heading` for Markdown headings and
 * `string` for code. The `.prompt` postfix keeps them apart from other languages' tokens.
 */
export const promptMonarch: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.prompt',
  // Special tokens of common chat formats: ChatML and Llama-3 `<|…|>`, Llama-2 `[INST]`, `<<SYS>>`, `<s>`.
  special: /<\|[\w.:-]+\|>|<\/?s>|\[\/?INST\]|<<\/?SYS>>/,
  variable: /\{\{\s*(?!__proto__\s*\}\})[A-Za-z_][\w-]*\s*\}\}/, // as contracts' templateVariables
  tokenizer: {
    root: [
      // A `^` rule matches only at the start of a line.
      [/^\s*```.*$/, { token: 'string.fence', next: '@code' }],
      // Alpaca-style section markers: "### Instruction:", "### Response:".
      [/^#{1,6}\s*[A-Za-z][\w ]*:\s*$/, 'keyword.section'],
      [/^#{1,6}\s.*$/, 'heading'],
      [new RegExp(`^\\s*(?:${roles})\\s*:`), 'keyword.role'],
      { include: '@inline' },
    ],
    code: [
      [/^\s*```\s*$/, { token: 'string.fence', next: '@pop' }],
      [/@variable/, 'variable'],
      [/@special/, 'tag'],
      [/[^{<[]+/, 'string.code'],
      [/./, 'string.code'],
    ],
    inline: [
      [/@variable/, 'variable'],
      // `{{` that is not a valid variable: shown as an error so a typo is visible before running.
      [/\{\{[^}]*\}?\}?/, 'invalid'],
      [/@special/, 'tag'],
      [/`[^`]+`/, 'string.code'],
      [/[^{<[`]+/, ''],
      [/./, ''],
    ],
  },
};

export const promptLanguageConfiguration: languages.LanguageConfiguration = {
  // Variables may hold `-`; a word is what double-click selects and completion filters on.
  wordPattern: /[\w-]+/g,
  // No bracket pairs: `{{name}}` is typed literally and nothing should close or match behind the user.
  brackets: [],
  autoClosingPairs: [],
  surroundingPairs: [],
};
