import { templateVariables } from '@qlora-studio/contracts';
import { languages, Range, type IDisposable, type editor } from 'monaco-editor/editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import type { PromptTemplate } from '../templates';
import { completionSpot } from './completion-spot';
import { promptLanguageConfiguration, promptLanguageId, promptMonarch } from './prompt-language';

/**
 * Monaco's global side of the prompt editor: the worker, the `prompt-template` language and one
 * completion provider shared by every editor. Each editor registers where the provider reads its
 * variables and templates, keyed by its model.
 */

// The editor worker is bundled by Vite (never fetched from a CDN); it computes diffs and links off the main thread.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

/** What completion offers in one editor, read when completion runs so it is always current. */
export interface CompletionSources {
  variables: () => readonly string[];
  templates: () => readonly PromptTemplate[];
}

const sourcesByModel = new Map<string, CompletionSources>();
let languageRegistered = false;
let provider: IDisposable | null = null;
let users = 0;

function variableItems(model: editor.ITextModel, range: Range, sources: CompletionSources): languages.CompletionItem[] {
  // The names the page knows first, then any other variable already written in this prompt.
  const names = [...new Set([...sources.variables(), ...templateVariables(model.getValue())])];
  return names.map((name, i) => ({
    label: name,
    kind: languages.CompletionItemKind.Variable,
    detail: 'Variable',
    insertText: `${name}}}`,
    filterText: name,
    sortText: String(i).padStart(4, '0'),
    range,
  }));
}

function templateItems(range: Range, sources: CompletionSources): languages.CompletionItem[] {
  return sources.templates().map((t, i) => ({
    label: t.name,
    kind: languages.CompletionItemKind.Snippet,
    detail: `Template · ${t.description}`,
    documentation: { value: ['```', t.mode === 'chat' ? `System: ${t.system}\n\n${t.template}` : t.template, '```'].join('\n') },
    // Plain text (no snippet rule): templates may contain `$`, which snippet syntax would eat.
    insertText: t.template,
    filterText: `${t.name} ${t.id}`,
    sortText: String(i).padStart(4, '0'),
    range,
  }));
}

const completionProvider: languages.CompletionItemProvider = {
  triggerCharacters: ['{'],
  provideCompletionItems(model, position, context) {
    const sources = sourcesByModel.get(model.uri.toString());
    if (!sources) return { suggestions: [] };
    const line = model.getLineContent(position.lineNumber);
    const explicit = context.triggerKind === languages.CompletionTriggerKind.Invoke;
    const spot = completionSpot(line.slice(0, position.column - 1), line.slice(position.column - 1), explicit);
    if (!spot) return { suggestions: [] };
    const range = new Range(position.lineNumber, spot.startColumn, position.lineNumber, spot.endColumn);
    return { suggestions: spot.kind === 'variable' ? variableItems(model, range, sources) : templateItems(range, sources) };
  },
};

/**
 * Registers the language (once for the page's life: Monaco cannot unregister one) and, while any
 * editor uses it, the completion provider; completion in the model `modelUri` reads `sources`.
 * Call before creating the model; dispose the result when the editor goes.
 */
export function attachPromptLanguage(modelUri: string, sources: CompletionSources): IDisposable {
  if (!languageRegistered) {
    languages.register({ id: promptLanguageId });
    languages.setMonarchTokensProvider(promptLanguageId, promptMonarch);
    languages.setLanguageConfiguration(promptLanguageId, promptLanguageConfiguration);
    languageRegistered = true;
  }
  if (users++ === 0) provider = languages.registerCompletionItemProvider(promptLanguageId, completionProvider);
  sourcesByModel.set(modelUri, sources);
  let disposed = false;
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      sourcesByModel.delete(modelUri);
      if (--users === 0) {
        provider?.dispose();
        provider = null;
      }
    },
  };
}
