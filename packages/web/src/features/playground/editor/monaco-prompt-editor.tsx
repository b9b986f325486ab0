import { editor, KeyCode, KeyMod, Selection, Uri, type IDisposable } from 'monaco-editor/editor';
// Only the editor features the prompt editor uses, instead of the full `monaco-editor` entry and its ~80 languages.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/codicon/register';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { applyAppTheme, currentAppTheme, monacoThemeName } from './editor-themes';
import { focusOutside } from './focus-outside';
import type { PromptEditorProps } from './prompt-editor';
import { promptLanguageId } from './prompt-language';
import { attachPromptLanguage } from './prompt-language-service';

let modelCount = 0;

/** Options that follow the page: reduced motion and the font size preference. */
function pageOptions(root: HTMLElement): editor.IEditorOptions {
  const reduce = root.getAttribute('data-motion') === 'reduce';
  const style = getComputedStyle(root);
  const rootPx = parseFloat(style.fontSize) || 16;
  return {
    smoothScrolling: !reduce,
    cursorSmoothCaretAnimation: reduce ? 'off' : 'explicit',
    cursorBlinking: reduce ? 'solid' : 'blink',
    fontFamily: style.getPropertyValue('--font-mono').trim() || 'ui-monospace, Menlo, Consolas, monospace',
    fontSize: Math.round(rootPx * 0.875),
    lineHeight: Math.round(rootPx * 0.875 * 1.6),
  };
}

const fixedOptions: editor.IStandaloneEditorConstructionOptions = {
  // The textarea input (not EditContext): screen readers and keyboard automation handle it best.
  editContext: false,
  automaticLayout: true,
  wordWrap: 'on',
  wrappingIndent: 'none',
  minimap: { enabled: false },
  lineNumbers: 'off',
  glyphMargin: false,
  folding: false,
  lineDecorationsWidth: 10,
  padding: { top: 10, bottom: 10 },
  scrollBeyondLastLine: false,
  overviewRulerLanes: 0,
  overviewRulerBorder: false,
  hideCursorInOverviewRuler: true,
  scrollbar: { verticalScrollbarSize: 10, horizontal: 'hidden', alwaysConsumeMouseWheel: false },
  renderLineHighlightOnlyWhenFocus: true,
  occurrencesHighlight: 'off',
  selectionHighlight: false,
  matchBrackets: 'never',
  guides: { indentation: false },
  unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: false },
  links: false,
  // Users type `{{name}}` literally: nothing may be closed or wrapped behind their back.
  autoClosingBrackets: 'never',
  autoClosingQuotes: 'never',
  autoClosingComments: 'never',
  autoClosingOvertype: 'never',
  autoSurround: 'never',
  tabSize: 2,
  insertSpaces: true,
  detectIndentation: false,
  wordBasedSuggestions: 'off',
  quickSuggestions: { other: 'on', comments: 'off', strings: 'off' },
  suggestOnTriggerCharacters: true,
  // Enter always starts a new line (a one-word line may match a template name); Tab accepts a suggestion.
  acceptSuggestionOnEnter: 'off',
  tabCompletion: 'off',
  suggest: { showWords: false, preview: false },
  // Lets the suggestion list extend past the editor's box instead of being clipped by it.
  fixedOverflowWidgets: true,
  contextmenu: true,
};

/** The Monaco half of PromptEditor, loaded lazily; see prompt-editor.tsx for the props. */
/** Monaco's input is a textarea it creates: the help text and the invalid state go on it. */
function describeTextarea(container: HTMLElement, describedBy: (string | undefined)[], invalid: boolean | undefined): void {
  const input = container.querySelector('textarea');
  if (!input) return;
  input.setAttribute('aria-describedby', describedBy.filter(Boolean).join(' '));
  if (invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

export default function MonacoPromptEditor({ hintId, ...props }: PromptEditorProps & { hintId: string }) {
  const { value, label, describedBy, invalid, readOnly, height = '14rem' } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  // The latest props, for Monaco callbacks registered once at mount.
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  const hintIdRef = useRef(hintId);
  // True while the editor applies a value from outside, so that change is not echoed to onChange.
  const applyingValue = useRef(false);

  useEffect(() => {
    const container = containerRef.current!;
    const root = document.documentElement;
    const initial = latest.current;
    const uri = Uri.parse(`inmemory://prompt-editor/${++modelCount}.prompt`);
    const language = attachPromptLanguage(uri.toString(), {
      variables: () => latest.current.variables,
      templates: () => latest.current.templates,
    });
    const model = editor.createModel(initial.value, promptLanguageId, uri);
    applyAppTheme(root);
    const ed = editor.create(container, {
      ...fixedOptions,
      ...pageOptions(root),
      model,
      theme: monacoThemeName(currentAppTheme(root)),
      ariaLabel: initial.label,
      readOnly: !!initial.readOnly,
    });
    editorRef.current = ed;
    describeTextarea(container, [initial.describedBy, hintIdRef.current], initial.invalid);
    const disposables: IDisposable[] = [language];

    disposables.push(
      ed.onDidChangeModelContent(() => {
        if (!applyingValue.current) latest.current.onChange(model.getValue());
      }),
    );

    // Escape then Tab leaves the editor (Tab alone indents). An Escape that closes a widget does not count.
    const armed = ed.createContextKey<boolean>('promptEditorLeaveArmed', false);
    /** Whether the key being handled is an auto-repeat of a held one. */
    let repeating = false;
    const leave = (direction: 'next' | 'previous') => {
      armed.set(false);
      focusOutside(container, direction);
    };
    disposables.push(
      ed.addAction({
        id: 'prompt-editor.arm-leave',
        label: 'Prepare to leave the editor with Tab',
        keybindings: [KeyCode.Escape],
        keybindingContext: '!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !editorHasMultipleSelections',
        run: (e) => {
          const selection = e.getSelection();
          if (selection && !selection.isEmpty()) e.setPosition(selection.getPosition());
          armed.set(true);
        },
      }),
      ed.addAction({
        id: 'prompt-editor.leave-next',
        label: 'Leave the editor',
        keybindings: [KeyCode.Tab],
        keybindingContext: 'promptEditorLeaveArmed',
        run: () => leave('next'),
      }),
      ed.addAction({
        id: 'prompt-editor.leave-previous',
        label: 'Leave the editor backwards',
        keybindings: [KeyMod.Shift | KeyCode.Tab],
        keybindingContext: 'promptEditorLeaveArmed',
        run: () => leave('previous'),
      }),
      ed.onKeyDown((e) => {
        // Seen before the keybinding runs (the textarea hears a key before the editor's container).
        repeating = e.browserEvent.repeat;
        const modifierOnly = [KeyCode.Shift, KeyCode.Ctrl, KeyCode.Alt, KeyCode.Meta].includes(e.keyCode);
        if (e.keyCode !== KeyCode.Escape && e.keyCode !== KeyCode.Tab && !modifierOnly) armed.set(false);
      }),
      ed.onMouseDown(() => armed.set(false)),
      ed.onDidBlurEditorText(() => armed.set(false)),
      ed.addAction({
        id: 'prompt-editor.submit',
        label: 'Run the prompt',
        keybindings: [KeyMod.CtrlCmd | KeyCode.Enter],
        // A held Ctrl+Enter runs once, not again each time a run ends.
        run: () => void (repeating || latest.current.onSubmit?.()),
      }),
    );

    // Follow the app's theme, motion and font size as the user changes them.
    const observer = new MutationObserver(() => {
      applyAppTheme(root);
      ed.updateOptions(pageOptions(root));
    });
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme', 'data-motion', 'style'] });

    return () => {
      observer.disconnect();
      for (const d of disposables) d.dispose();
      ed.dispose();
      model.dispose();
      editorRef.current = null;
    };
  }, []);

  // A value from outside (a picked template, a loaded session) replaces the text; typing round-trips unchanged.
  useEffect(() => {
    const ed = editorRef.current;
    const model = ed?.getModel();
    if (!ed || !model || model.getValue() === value) return;
    const selections = ed.getSelections();
    applyingValue.current = true;
    try {
      // An edit on the model, not setValue, so Ctrl+Z brings the previous text back (and it works read-only too).
      model.pushStackElement();
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text: value }], () => null);
      model.pushStackElement();
    } finally {
      applyingValue.current = false;
    }
    // Keep the cursor where it was, as far as the new text allows.
    if (selections) {
      ed.setSelections(
        selections.map((s) => {
          const r = model.validateRange(s);
          return new Selection(r.startLineNumber, r.startColumn, r.endLineNumber, r.endColumn);
        }),
      );
    }
  }, [value]);

  useEffect(() => {
    editorRef.current?.updateOptions({ ariaLabel: label, readOnly: !!readOnly });
  }, [label, readOnly]);

  // Layout effect: Run looks for the first aria-invalid field in the next frame. (At mount the
  // editor does not exist yet; its creation applies them too.)
  useLayoutEffect(() => {
    if (containerRef.current) describeTextarea(containerRef.current, [describedBy, hintId], invalid);
  }, [describedBy, hintId, invalid]);

  return <div ref={containerRef} className="w-full" style={{ height }} data-prompt-editor="" />;
}
