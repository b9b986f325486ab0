import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { JudgeForm } from './judge-connection-section';

const render = (props: Parameters<typeof JudgeForm>[0]) =>
  renderToStaticMarkup(
    <QueryClientProvider client={new QueryClient()}>
      <JudgeForm {...props} />
    </QueryClientProvider>,
  );
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the judge endpoint form', () => {
  it('labels every field, says what the judge is for, and shows a stored key as set with a Remove button', () => {
    const html = render({ connection: { baseUrl: 'http://localhost:8000/v1', model: 'qwen', apiKeySet: true }, canWrite: true, reason: null });
    expect(text(html)).toContain('Judge benchmarks on the Evaluation page send each answer and your rubric to this endpoint');
    for (const id of [...html.matchAll(/<input[^>]*id="([^"]+)"/g)].map((m) => m[1])) expect(html).toContain(`for="${id}"`);
    expect(html.match(/<input/g)).toHaveLength(3);
    expect(html).toMatch(/<input[^>]*type="password"/);
    expect(html).not.toContain('value="sk-');
    expect(text(html)).toMatch(/API key set/);
    expect(text(html)).toContain('Remove key');
    expect(text(html)).toContain('Test connection');
    expect(text(html)).toContain('Remove judge');
  });

  it('shows an unset key and no removal when nothing is stored; read-only without permission', () => {
    const html = render({
      connection: { baseUrl: null, model: null, apiKeySet: false },
      canWrite: false,
      reason: 'Only ML Practitioners can change settings.',
    });
    expect(text(html)).toMatch(/API key not set/);
    expect(text(html)).toContain('Not configured');
    expect(text(html)).not.toContain('Remove');
    expect(text(html)).toContain('Only ML Practitioners can change settings.');
    expect(html.match(/readOnly=""|readonly=""/g)).toHaveLength(3);
  });
});
