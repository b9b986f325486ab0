import { Component, lazy, Suspense, useId, type KeyboardEvent, type ReactNode } from 'react';
import { cn } from '../../../lib/cn';
import { isMacPlatform } from '../../../lib/commands';
import type { PromptTemplate } from '../templates';

export interface PromptEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Accessible name of the editor (e.g. "Prompt"). */
  label: string;
  /** Variable names offered by completion after `{{`. */
  variables: string[];
  /** Templates offered by completion (typing a template name inserts its text). */
  templates: PromptTemplate[];
  /** Ctrl/Cmd+Enter inside the editor. */
  onSubmit?: () => void;
  /** id of an element describing the editor (help text). */
  describedBy?: string;
  /** The prompt has a problem (shown in the element `describedBy` names): aria-invalid, and focus goes here first. */
  invalid?: boolean;
  /** CSS height, default '14rem'. */
  height?: string;
  readOnly?: boolean;
}

// Monaco (some 750 KB gzipped) is its own chunk, fetched only when an editor is first shown.
const MonacoPromptEditor = lazy(() => import('./monaco-prompt-editor'));

const frame =
  'overflow-hidden rounded-lg border border-line-strong bg-surface focus-within:outline-3 focus-within:outline-offset-2 focus-within:outline-ring data-[invalid]:border-danger';

/**
 * The Playground's prompt editor: Monaco with `{{variable}}` highlighting and completion, and
 * template names offered at the start of a line. Tab indents; Escape then Tab leaves the editor.
 */
export function PromptEditor(props: PromptEditorProps) {
  const hintId = useId();
  const height = props.height ?? '14rem';
  const mod = isMacPlatform() ? '⌘' : 'Ctrl';
  return (
    <div className="flex flex-col gap-1.5">
      <div className={frame} data-invalid={props.invalid || undefined}>
        <EditorErrorBoundary fallback={<PlainPromptEditor {...props} height={height} hintId={hintId} />}>
          <Suspense fallback={<EditorLoading height={height} />}>
            <MonacoPromptEditor {...props} height={height} hintId={hintId} />
          </Suspense>
        </EditorErrorBoundary>
      </div>
      <p id={hintId} className="text-xs text-fg-muted">
        Esc then Tab to leave the editor{props.onSubmit && ` · ${mod}+Enter to run`}
      </p>
    </div>
  );
}

function EditorLoading({ height }: { height: string }) {
  return (
    <div role="status" className="flex animate-pulse items-center justify-center bg-surface-muted text-sm text-fg-muted" style={{ height }}>
      Loading editor…
    </div>
  );
}

/** Stands in for Monaco if its chunk cannot be loaded (e.g. the server restarted with a new build), so the prompt stays editable. */
function PlainPromptEditor({ value, onChange, label, onSubmit, describedBy, invalid, height, readOnly, hintId }: PromptEditorProps & { hintId: string }) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && onSubmit) {
      // Handled here: the page, which also runs on Ctrl+Enter, must not hear it too.
      e.preventDefault();
      e.stopPropagation();
      if (!e.repeat) onSubmit();
    }
  };
  return (
    <textarea
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={onKeyDown}
      aria-label={label}
      aria-describedby={[describedBy, hintId].filter(Boolean).join(' ')}
      aria-invalid={invalid || undefined}
      readOnly={readOnly}
      spellCheck={false}
      className={cn('block w-full resize-none bg-surface p-2.5 font-mono text-sm text-fg outline-none')}
      style={{ height }}
    />
  );
}

class EditorErrorBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: Error) {
    console.error('QLoRA Studio: the code editor could not load; using a plain text box', error);
  }

  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
