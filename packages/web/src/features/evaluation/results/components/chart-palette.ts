import { useEffect, useState } from 'react';

export interface Palette {
  /** One colour per model: the base in slate, then the theme's distinct tones. */
  models: string[];
  fg: string;
  muted: string;
  grid: string;
}

function readPalette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    models: [
      v('--color-secondary', '#64748b'),
      v('--color-primary', '#1e40af'),
      v('--color-success', '#059669'),
      v('--color-warning', '#d97706'),
      v('--color-danger', '#dc2626'),
      // Beyond five models, tones outside the theme, still distinct on light and dark.
      '#7c3aed',
      '#0891b2',
      '#db2777',
    ],
    fg: v('--color-fg', '#0f172a'),
    muted: v('--color-fg-muted', '#475569'),
    grid: v('--color-line', '#e2e8f0'),
  };
}

/** The colour of model `i` (0 = the base). */
export const modelColour = (palette: Palette, i: number) => palette.models[i % palette.models.length]!;

/**
 * The theme's token colours for Chart.js (which draws on a canvas and cannot use CSS classes),
 * read again whenever <html>'s theme attributes change, whether chosen or followed from the system.
 */
export function usePalette(): Palette {
  const [palette, setPalette] = useState(readPalette);
  useEffect(() => {
    const observer = new MutationObserver(() => setPalette(readPalette()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    return () => observer.disconnect();
  }, []);
  return palette;
}
