import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { comparisonFixture } from '../test-comparison';
import { ExamplesTable } from './examples-table';
import { ModelsTable, VerdictSummary } from './overview';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the comparison as rendered', () => {
  it('leads with the verdict in words, the interval and an icon, not colour alone', () => {
    const html = renderToStaticMarkup(<VerdictSummary comparison={comparisonFixture()} />);
    expect(text(html)).toContain('No clear difference: accuracy 0.0 points (95% CI -50.0 to +50.0) over 4 items: better on 1, worse on 1.');
    expect(text(html)).toContain('could be chance');
    expect(text(html)).toContain('1000 resamples, seed 12345');
  });

  it('names the weights and kernels each model was computed with', () => {
    const html = text(renderToStaticMarkup(<ModelsTable comparison={comparisonFixture()} />));
    expect(html).toContain('Tiny Base nf4 fast');
    expect(html).toContain('Tiny + My fine-tune Compared float32 float32');
  });

  it('lists the examples with their outcome in words, counts per outcome and labelled controls', () => {
    const html = renderToStaticMarkup(
      <MemoryRouter>
        <ExamplesTable comparison={comparisonFixture()} jobs={[]} />
      </MemoryRouter>,
    );
    const t = text(html);
    for (const label of ['Won (1)', 'Lost (1)', 'Both right (1)', 'Both wrong (1)']) expect(t).toContain(label);
    expect(t).toContain('Showing 1–4 of 4 examples.');
    expect(html).toContain('aria-label="Examples table"');
    expect(html).toContain('aria-label="Show item 3 in full"');
    expect(html.match(/aria-pressed="false"/g)).toHaveLength(4);
  });
});
