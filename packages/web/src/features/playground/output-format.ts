import type { PaneOutput, PaneStatus, PlaygroundRun } from '@qlora-studio/contracts';

/** Why a reply ended, in words. */
export function finishReasonText(reason: PaneOutput['finishReason']): string | null {
  switch (reason) {
    case 'eos':
      return 'Stopped at the end-of-text token';
    case 'stop':
      return 'Stopped at a stop string';
    case 'length':
      return 'Reached max new tokens';
    case 'aborted':
      return 'Stopped by you';
    default:
      return null;
  }
}

/** A pane's state in a few words, for its status line (announced politely, not per token). */
export function paneStatusText(pane: Pick<PaneOutput, 'status' | 'completionTokens' | 'text' | 'statusText'>): string {
  const tokens = pane.completionTokens;
  const count = tokens === null ? '' : `, ${tokens.toLocaleString()} ${tokens === 1 ? 'token' : 'tokens'}`;
  const labels: Record<PaneStatus, string> = {
    queued: pane.statusText || 'Waiting: another reply is being generated',
    running: pane.text ? 'Generating…' : pane.statusText || 'Reading the prompt…',
    done: `Done${count}`,
    stopped: `Stopped by you${count}`,
    failed: 'Failed',
  };
  return labels[pane.status];
}

/** 1234.5 → "1.23 s", 85 → "85 ms". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(2))} s`;
}

/** The measured figures of a pane, as label/value pairs. */
export function paneStats(pane: PaneOutput): { label: string; value: string }[] {
  const stats: { label: string; value: string }[] = [];
  if (pane.tokensPerSecond !== null) stats.push({ label: 'Speed', value: `${pane.tokensPerSecond.toFixed(1)} tokens/s` });
  if (pane.timeToFirstTokenMs !== null) stats.push({ label: 'Time to first token', value: formatMs(pane.timeToFirstTokenMs) });
  if (pane.completionTokens !== null) stats.push({ label: 'Reply', value: `${pane.completionTokens.toLocaleString()} tokens` });
  if (pane.promptTokens !== null) stats.push({ label: 'Prompt', value: `${pane.promptTokens.toLocaleString()} tokens` });
  if (pane.durationMs !== null) stats.push({ label: 'Total time', value: formatMs(pane.durationMs) });
  return stats;
}

/** The prompt as a person would read it: the template, or the conversation. */
export function promptAsText(run: Pick<PlaygroundRun, 'prompt'>): string {
  const p = run.prompt;
  if (p.mode === 'text') return p.template;
  const turns = p.messages.map((m) => `**${m.role === 'user' ? 'User' : 'Assistant'}:** ${m.content}`);
  return [p.system ? `**System:** ${p.system}` : null, ...turns].filter(Boolean).join('\n\n');
}

/** One pane as a Markdown document: model, prompt, settings, the reply and its figures. */
export function paneToMarkdown(run: PlaygroundRun, pane: PaneOutput): string {
  const s = run.settings;
  const lines = [
    `# ${pane.label}`,
    '',
    `- Run: ${run.id} (${run.createdAt})`,
    `- Model: ${pane.model.modelId}${pane.model.adapterId ? ` + adapter ${pane.model.adapterId}` : ''} (${pane.model.quant === 'nf4' ? `4-bit NF4, ${pane.model.kernels === 'exact' ? 'exact' : 'fast'} kernels` : 'full precision'})`,
    `- Settings: temperature ${s.temperature}, top-p ${s.topP}, top-k ${s.topK}, max new tokens ${s.maxNewTokens}, repetition penalty ${s.repetitionPenalty}, seed ${s.seed}`,
    ...(s.stopStrings.length ? [`- Stop strings: ${s.stopStrings.map((x) => JSON.stringify(x)).join(', ')}`] : []),
    ...(finishReasonText(pane.finishReason) ? [`- Finish: ${finishReasonText(pane.finishReason)}`] : []),
    ...paneStats(pane).map((x) => `- ${x.label}: ${x.value}`),
    '',
    '## Prompt',
    '',
    promptAsText(run),
    ...(Object.keys(run.prompt.variables).length ? ['', '### Variables', '', ...Object.entries(run.prompt.variables).map(([k, v]) => `- ${k}: ${v}`)] : []),
    '',
    '## Output',
    '',
    pane.text,
    ...(pane.note ? ['', '## Note', '', pane.note] : []),
    '',
  ];
  return lines.join('\n');
}

/** One pane as JSON: the run's prompt and settings with this pane's output. */
export function paneToJson(run: PlaygroundRun, pane: PaneOutput): string {
  return `${JSON.stringify({ runId: run.id, sessionId: run.sessionId, createdAt: run.createdAt, prompt: run.prompt, settings: run.settings, output: pane }, null, 2)}\n`;
}

/** A file name from a label: "Demo model + Adapter" → "demo-model-adapter". */
export function fileSlug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'output'
  );
}

/** Saves text through the browser's download. */
export function downloadText(text: string, fileName: string, type: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** What each pane is called on the page: its label, with "(pane N)" when two panes share one. */
export function paneNames(panes: readonly Pick<PaneOutput, 'label'>[]): string[] {
  const counts = new Map<string, number>();
  for (const p of panes) counts.set(p.label, (counts.get(p.label) ?? 0) + 1);
  return panes.map((p, i) => ((counts.get(p.label) ?? 0) > 1 ? `${p.label} (pane ${i + 1})` : p.label));
}
