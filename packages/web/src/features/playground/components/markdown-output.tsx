import { memo } from 'react';
import ReactMarkdown from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import type { DiffSegment } from '../word-diff';
import { markdownComponents } from './markdown-components';
import './output.css';

const remarkPlugins = [remarkGfm];
// `detect: false`: only fenced blocks that name their language are coloured, so plain replies
// are not guessed at (and stay fast while they stream). Raw HTML in a reply is shown as text.
const rehypePlugins: [[typeof rehypeHighlight, { detect: boolean }]] = [[rehypeHighlight, { detect: false }]];

/** A reply as Markdown (GitHub flavour, highlighted code; raw HTML and images are not rendered). */
export const MarkdownOutput = memo(function MarkdownOutput({ text }: { text: string }) {
  return (
    <div className="pg-markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={markdownComponents}>
        {text}
      </ReactMarkdown>
    </div>
  );
});

/** A reply as plain text with the words it adds and lacks against pane 1 marked. */
export function DiffOutput({ segments }: { segments: readonly DiffSegment[] }) {
  return (
    <p className="pg-diff whitespace-pre-wrap break-words">
      {segments.map((s, i) =>
        s.kind === 'same' ? (
          <span key={i}>{s.text}</span>
        ) : s.kind === 'added' ? (
          <ins key={i}>
            <span className="sr-only">[added: </span>
            {s.text}
            <span className="sr-only">]</span>
          </ins>
        ) : (
          <del key={i}>
            <span className="sr-only">[removed: </span>
            {s.text}
            <span className="sr-only">]</span>
          </del>
        ),
      )}
    </p>
  );
}
