import type { BenchmarkPreview } from '@qlora-studio/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BenchmarkPreviewPanel } from './benchmark-preview';

const preview: BenchmarkPreview = {
  rows: 3,
  items: [{ row: 0, location: 'row 1', prompt: 'Question: 2+2?\nAnswer:', continuations: [' 3', ' 4'], target: '4' }],
  problems: [{ row: 2, location: 'row 3', message: 'The answer "E" names no choice.' }],
};
const render = (props: Partial<Parameters<typeof BenchmarkPreviewPanel>[0]>) =>
  renderToStaticMarkup(<BenchmarkPreviewPanel task="multiple-choice" preview={preview} problems={[]} loading={false} error={null} {...props} />);

describe('BenchmarkPreviewPanel', () => {
  it('shows each choice as scored, marks the answer, and lists the rows that cannot become items', () => {
    const html = render({});
    expect(html).toContain('2 of 3 rows become items; 1 cannot');
    expect(html).toContain('Question: 2+2?\nAnswer:');
    // The right choice carries a word, not only a colour.
    expect(html).toMatch(/4<\/pre><span[^>]*>Answer<\/span>/);
    expect(html).not.toMatch(/3<\/pre><span[^>]*>Answer<\/span>/);
    expect(html).toContain('row 3:</span> The answer &quot;E&quot; names no choice.');
  });

  it('says what the form still lacks instead of a stale preview', () => {
    const html = render({ problems: ['Answer field: Name the field.'] });
    expect(html).toContain('To see the preview, complete the form');
    expect(html).toContain('Answer field: Name the field.');
    expect(html).not.toContain('rows become items');
  });

  it('shows the reference for a generate benchmark and says when every row works', () => {
    const html = render({ task: 'generate', preview: { ...preview, problems: [] } });
    expect(html).toContain('All 3 rows become items.');
    expect(html).toContain('Reference answer:');
  });
});
