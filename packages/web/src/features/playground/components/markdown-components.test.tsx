import ReactMarkdown from 'react-markdown';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { markdownComponents } from './markdown-components';

const render = (text: string) => renderToStaticMarkup(<ReactMarkdown components={markdownComponents}>{text}</ReactMarkdown>);

describe('markdownComponents', () => {
  it('shows an image as a link with its alt text and URL, never as an image', () => {
    const html = render('See ![a beacon](http://tracker.example/pixel.png?u=1)');
    expect(html).not.toContain('<img');
    expect(html).toContain('<a href="http://tracker.example/pixel.png?u=1" target="_blank" rel="noopener noreferrer nofollow">Image: a beacon');
    expect(html).toContain('(http://tracker.example/pixel.png?u=1)');
  });

  it('opens links in a new tab without referrer or endorsement', () => {
    expect(render('[docs](https://example.com)')).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">docs');
  });

  it('shows an image inside a link as text, so links are not nested', () => {
    const html = render('[![logo](http://x.example/logo.png)](https://example.com)');
    expect(html).not.toContain('<img');
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).toContain('Image: logo');
  });
});
