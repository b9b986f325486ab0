import type { PlaygroundChatMessage } from '@qlora-studio/contracts';
import { MessageSquarePlus, Trash2, TriangleAlert } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { toast } from 'sonner';
import { actionToastMs } from '../../../lib/toast-timing';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/input';
import { useFocusFallback } from '../../../lib/use-focus-fallback';

export interface ConversationTurnsProps {
  conversation: PlaygroundChatMessage[];
  onChange: (conversation: PlaygroundChatMessage[]) => void;
  /** Why the turns may not suit a chat template (they do not alternate); null when they do. */
  warning: string | null;
  textareaClass: string;
  readOnly?: boolean;
}

/** The role a new turn takes: the other one after the last turn, so the conversation alternates. */
export function nextTurnRole(conversation: readonly PlaygroundChatMessage[]): PlaygroundChatMessage['role'] {
  return conversation[conversation.length - 1]?.role === 'user' ? 'assistant' : 'user';
}

/**
 * Chat mode: the turns before your message, each editable and removable, and Add turn to write
 * a conversation by hand (a few-shot prompt: example questions with the answers wanted).
 */
export function ConversationTurns({ conversation, onChange, warning, textareaClass, readOnly }: ConversationTurnsProps) {
  const id = useId();
  const list = useRef<HTMLOListElement>(null);
  const next = nextTurnRole(conversation);
  // The turn just added takes focus, so the keyboard carries on writing it.
  const [added, setAdded] = useState<number | null>(null);
  useEffect(() => {
    if (added === null) return;
    list.current?.querySelectorAll('textarea')[added]?.focus();
    setAdded(null);
  }, [added]);

  // Remove turn and Clear conversation vanish with what they removed: focus goes to Add turn.
  const addButton = useRef<HTMLButtonElement>(null);
  const focusFallback = useFocusFallback<HTMLButtonElement>(() => addButton.current);
  const clear = () => {
    const before = conversation;
    onChange([]);
    toast.success(`Cleared ${before.length} ${before.length === 1 ? 'turn' : 'turns'}`, {
      duration: actionToastMs,
      action: { label: 'Undo', onClick: () => onChange(before) },
    });
  };

  const addTurn = () => {
    onChange([...conversation, { role: next, content: '' }]);
    setAdded(conversation.length);
  };

  if (readOnly && conversation.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-title`} className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id={`${id}-title`} className="text-sm font-semibold">
          Conversation so far ({conversation.length} {conversation.length === 1 ? 'turn' : 'turns'})
        </h3>
        {!readOnly && conversation.length > 0 && (
          <Button ref={focusFallback} variant="ghost" onClick={clear}>
            Clear conversation
          </Button>
        )}
      </div>
      {conversation.length > 0 && (
        <ol ref={list} className="flex flex-col gap-3">
          {conversation.map((m, i) => (
            <li key={i} className="flex items-start gap-2">
              <Field label={`Turn ${i + 1}, ${m.role}`} className="min-w-0 flex-1">
                {(ids) => (
                  <textarea
                    {...ids}
                    rows={2}
                    value={m.content}
                    readOnly={readOnly}
                    onChange={(e) => onChange(conversation.map((x, j) => (j === i ? { ...x, content: e.target.value } : x)))}
                    className={textareaClass}
                  />
                )}
              </Field>
              {!readOnly && (
                <Button
                  ref={focusFallback}
                  variant="ghost"
                  size="icon"
                  className="mt-7"
                  aria-label={`Remove turn ${i + 1}`}
                  title="Remove turn"
                  onClick={() => onChange(conversation.filter((_, j) => j !== i))}
                >
                  <Trash2 aria-hidden />
                </Button>
              )}
            </li>
          ))}
        </ol>
      )}
      {warning && (
        <p className="flex items-start gap-2 text-sm text-fg">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warning-text" />
          {warning}
        </p>
      )}
      {!readOnly && (
        <div className="flex flex-wrap items-center gap-3">
          <Button ref={addButton} variant="secondary" onClick={addTurn} aria-describedby={`${id}-next`}>
            <MessageSquarePlus aria-hidden />
            Add turn
          </Button>
          <span id={`${id}-next`} className="text-sm text-fg-muted">
            Adds {next === 'user' ? 'a user' : 'an assistant'} turn. Your message below is the last user turn.
          </span>
        </div>
      )}
    </section>
  );
}
