import { defaultGenerationSettings, queuedPane, type PaneOutput, type PlaygroundRun } from '@qlora-studio/contracts';

/** A pane as the server would send it, with overrides. */
export function testPane(overrides: Partial<PaneOutput> = {}): PaneOutput {
  const { statusText: _statusText, ...pane } = queuedPane(0, { modelId: 'm1', adapterId: null, quant: 'nf4', kernels: 'fast' }, 'Demo model');
  return { ...pane, status: 'running', ...overrides };
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
