import { createContext, useContext, type ComponentProps } from 'react';
import type { Components, ExtraProps } from 'react-markdown';

/** Links leave the page in a new tab, pass no referrer and no endorsement (replies are untrusted). */
const linkAttributes = { target: '_blank', rel: 'noopener noreferrer nofollow' } as const;

/** An image inside a link is shown as text, since a link cannot hold another link. */
const InLink = createContext(false);

function Link({ href, children }: ComponentProps<'a'> & ExtraProps) {
  return (
    <a href={href} {...linkAttributes}>
      <InLink.Provider value>{children}</InLink.Provider>
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}

/**
 * An image is never loaded: a reply, a shared session or an imported one could embed an image
 * whose request reports that it was read (a tracking beacon). It shows as its alt text and URL,
 * a link to follow by choice.
 */
function ImageAsLink({ src, alt }: ComponentProps<'img'> & ExtraProps) {
  const inLink = useContext(InLink);
  const url = typeof src === 'string' ? src : '';
  const label = (
    <>
      Image: {alt || 'no description'}
      {url && <span> ({url})</span>}
    </>
  );
  if (inLink || !url) return <span>{label}</span>;
  return (
    <a href={url} {...linkAttributes}>
      {label}
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}

/** How a reply's Markdown becomes elements where the defaults are unsafe for untrusted text. */
export const markdownComponents: Components = { a: Link, img: ImageAsLink };
