import type { PlaygroundCatalogue } from '@qlora-studio/contracts';
import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { emptyPane, type EditorDraft } from './draft';

/**
 * The draft with a linked prompt (`?prompt=`, e.g. a benchmark item opened from Evaluation) as its
 * text. Benchmark prompts are plain completions ("Question: …\nAnswer:"), hence text mode.
 */
export function withLinkedPrompt(draft: EditorDraft, prompt: string | null): EditorDraft {
  if (!prompt) return draft;
  return { ...draft, mode: 'text', text: prompt };
}

/**
 * With no session open, a linked prompt (`?prompt=`) fills the editor once, and the first pane starts on the adapter (`?adapter=<job id>`) or model
 * (`?model=<id>`) a link names, else on the first model; and a workspace bound below the default
 * reply length lowers the default. Done once, when the catalogue has a model.
 */
export function useLinkedModel(
  catalogue: PlaygroundCatalogue | undefined,
  sessionId: string | null,
  setDraft: (update: (d: EditorDraft) => EditorDraft) => void,
): void {
  const [search, setSearch] = useSearchParams();
  const preset = useRef(false);
  const wantedPrompt = search.get('prompt');
  useEffect(() => {
    if (sessionId || wantedPrompt === null) return;
    setDraft((d) => withLinkedPrompt(d, wantedPrompt));
    // Taken out of the address once used, so a reload keeps the edits made since.
    setSearch(
      (params) => {
        const next = new URLSearchParams(params);
        next.delete('prompt');
        return next;
      },
      { replace: true },
    );
  }, [sessionId, wantedPrompt, setDraft, setSearch]);
  const wantedAdapter = search.get('adapter');
  const wantedModel = search.get('model');
  useEffect(() => {
    const c = catalogue;
    if (!c || sessionId || preset.current) return;
    const adapter = c.adapters.find((a) => a.id === wantedAdapter);
    const modelId = adapter?.baseModelId ?? c.models.find((m) => m.id === wantedModel)?.id ?? c.models[0]?.id;
    // With no model yet, try again when one is registered (the catalogue refetches).
    if (modelId) preset.current = true;
    setDraft((current) => {
      // A workspace bound below the default reply length lowers the default.
      const d =
        Number(current.settings.maxNewTokens) > c.limits.maxNewTokens
          ? { ...current, settings: { ...current.settings, maxNewTokens: String(c.limits.maxNewTokens) } }
          : current;
      if (adapter && modelId) return { ...d, panes: [{ ...emptyPane, modelId, adapterId: adapter.id }] };
      return modelId && d.panes.length === 1 && !d.panes[0]!.modelId ? { ...d, panes: [{ ...emptyPane, modelId }] } : d;
    });
  }, [catalogue, sessionId, wantedAdapter, wantedModel, setDraft]);
}
