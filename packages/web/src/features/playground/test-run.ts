import { defaultGenerationSettings, type PaneOutput, type PlaygroundRun } from '@qlora-studio/contracts';

/** A pane as the server would send it, with overrides. */
export function testPane(overrides: Partial<PaneOutput> = {}): PaneOutput {
  return {
    index: 0,
    model: { modelId: 'm1', adapterId: null, quant: 'nf4' },
    label: 'Demo model',
    status: 'running',
    text: '',
    renderedPrompt: null,
    finishReason: null,
    promptTokens: null,
    completionTokens: null,
    timeToFirstTokenMs: null,
    tokensPerSecond: null,
    durationMs: null,
    error: null,
    note: '',
    vote: null,
    ...overrides,
  };
}

/** A run with the given panes. */
export function testRun(overrides: Partial<PlaygroundRun> = {}): PlaygroundRun {
  return {
    id: 'r1',
    sessionId: 's1',
    createdAt: '2026-11-26T10:00:00.000Z',
    prompt: { mode: 'text', template: 'Hello {{name}}', variables: { name: 'Ada' } },
    settings: defaultGenerationSettings,
    panes: [testPane()],
    ...overrides,
  };
}
