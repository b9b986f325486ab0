import { describe, expect, it } from 'vitest';
import { playgroundHref, reportFileName, reportPath } from './links';

describe('reportPath', () => {
  it('asks for the jobs, base first, in the chosen format', () => {
    expect(reportPath(['a', 'b'], 'csv', ['summary'])).toBe('/api/evaluations/report?jobIds=a%2Cb&format=csv');
  });

  it('sends the sections (in catalogue order) only when some are left out of HTML or Markdown', () => {
    expect(reportPath(['a', 'b'], 'html', ['summary', 'metrics', 'charts', 'examples', 'settings'])).toBe('/api/evaluations/report?jobIds=a%2Cb&format=html');
    expect(reportPath(['a', 'b'], 'markdown', ['examples', 'summary'])).toBe(
      '/api/evaluations/report?jobIds=a%2Cb&format=markdown&sections=summary%2Cexamples',
    );
  });

  it('refuses an HTML report with no section', () => {
    expect(() => reportPath(['a', 'b'], 'html', [])).toThrow(/at least one section/);
  });
});

describe('reportFileName', () => {
  it("takes the server's name, else a default with the format's extension", () => {
    expect(reportFileName('attachment; filename="arith-v1-report.html"', 'html')).toBe('arith-v1-report.html');
    expect(reportFileName(`attachment; filename="x.md"; filename*=UTF-8''caf%C3%A9.md`, 'markdown')).toBe('café.md');
    expect(reportFileName(null, 'markdown')).toBe('evaluation-report.md');
  });
});

describe('playgroundHref', () => {
  it('links the prompt and model, with the adapter when it is a fine-tune id', () => {
    expect(playgroundHref('Q: 2+2?\nA:', 'model_1', 'job_ft')).toBe('/playground?prompt=Q%3A+2%2B2%3F%0AA%3A&model=model_1&adapter=job_ft');
    expect(playgroundHref('p', 'model_1', 'adapter_x/checkpoint-200')).toBe('/playground?prompt=p&model=model_1');
    expect(playgroundHref('p', 'model_1', null)).toBe('/playground?prompt=p&model=model_1');
  });
});
