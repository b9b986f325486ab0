import type { BaseModel, PlaygroundAdapter, PlaygroundCatalogue } from '@qlora-studio/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { PaneModelFields } from './model-picker';

const model: BaseModel = {
  id: 'm1',
  name: 'stories260K',
  source: 'local',
  sourceRef: '/models/stories260K',
  path: '/models/stories260K',
  architecture: 'llama',
  parameters: 260_000,
  hiddenSize: 64,
  layers: 5,
  heads: 8,
  kvHeads: 4,
  intermediateSize: 172,
  vocabSize: 512,
  maxPositionEmbeddings: 512,
  hasChatTemplate: false,
  sizeBytes: 1_000_000,
  createdAt: '2025-01-01T00:00:00.000Z',
};

// As the server builds it (packages/server/src/playground/adapters.ts): the title already names the dataset, rank and steps.
const adapter: PlaygroundAdapter = {
  id: 'job1',
  title: 'gsm8k300 v4, r 8, 300 steps',
  baseModelId: 'm1',
  baseModelName: 'stories260K',
  method: 'qlora',
  r: 8,
  alpha: 16,
  targetModules: ['all-linear'],
  dataset: { id: 'd1', name: 'gsm8k300', version: 4 },
  steps: 300,
  finalLoss: 1.25,
  promptTemplate: null,
  path: '/adapters/job1',
  createdAt: '2025-01-01T00:00:00.000Z',
};

const catalogue: PlaygroundCatalogue = { models: [model], adapters: [adapter], limits: { maxNewTokens: 512, concurrentStreams: 1, queuedPerCaller: 4 } };

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the pane model picker', () => {
  const html = renderToStaticMarkup(
    <MemoryRouter>
      <PaneModelFields index={0} choice={{ modelId: 'm1', adapterId: 'job1', quant: 'nf4', kernels: 'fast' }} catalogue={catalogue} onChange={() => {}} />
    </MemoryRouter>,
  );

  it('says the number of steps once, not again after the adapter title', () => {
    const details = text(html.slice(html.indexOf('<dl')));
    expect(details.match(/300 steps/g)).toHaveLength(1);
    expect(details).toContain('gsm8k300 v4, r 8, 300 steps');
  });

  it('names the dataset once in the adapter choice', () => {
    const option = /<option value="job1"[^>]*>([^<]*)<\/option>/.exec(html)?.[1];
    expect(option).toBe(adapter.title);
  });

  it('offers fast and exact NF4 kernels and full precision in one labelled select, and says which runs', () => {
    const exact = renderToStaticMarkup(
      <MemoryRouter>
        <PaneModelFields index={0} choice={{ modelId: 'm1', adapterId: null, quant: 'nf4', kernels: 'exact' }} catalogue={catalogue} onChange={() => {}} />
      </MemoryRouter>,
    );
    const options = [...exact.matchAll(/<option value="(nf4-fast|nf4-exact|none)"[^>]*>/g)].map((m) => m[1]);
    expect(options).toEqual(['nf4-fast', 'nf4-exact', 'none']);
    expect(exact).toMatch(/<option value="nf4-exact" selected="">/);
    expect(text(exact)).toContain('exact bitsandbytes math');
    expect(text(html)).toContain('fast int8 kernels');
  });
});
