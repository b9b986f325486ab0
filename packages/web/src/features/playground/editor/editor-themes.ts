import { editor } from 'monaco-editor/editor';

/**
 * Monaco themes that follow the app's theme. The app writes the resolved theme to
 * <html data-theme> (lib/preferences.ts); the editor chrome takes its colours from the same CSS
 * variables as the rest of the page, and token colours are picked per theme to keep WCAG AA
 * contrast on the editor background.
 */
type AppTheme = 'light' | 'dark' | 'high-contrast';

const base: Record<AppTheme, editor.BuiltinTheme> = { light: 'vs', dark: 'vs-dark', 'high-contrast': 'hc-black' };

/** Token colours (without '#', as Monaco's rules want them). */
const tokenColours: Record<AppTheme, { variable: string; keyword: string; tag: string; code: string; invalid: string }> = {
  light: { variable: '1e40af', keyword: '047857', tag: '9d174d', code: '92400e', invalid: 'b91c1c' },
  dark: { variable: 'a5bdff', keyword: '4ade9f', tag: 'f9a8d4', code: 'fbbf24', invalid: 'fca5a5' },
  'high-contrast': { variable: 'ffe14d', keyword: '5cf29f', tag: 'ffb3e6', code: 'ffc95c', invalid: 'ff9a9a' },
};

/** Fallbacks should the CSS variables not be readable (the light theme's values). */
const fallbackVars = {
  surface: '#ffffff',
  'surface-muted': '#eef2f7',
  fg: '#0f172a',
  'fg-muted': '#475569',
  line: '#e2e8f0',
  'primary-soft': '#e8eefc',
  'primary-text': '#1e40af',
  ring: '#1e40af',
};
type CssColour = keyof typeof fallbackVars;

export function currentAppTheme(root: HTMLElement = document.documentElement): AppTheme {
  const theme = root.getAttribute('data-theme');
  return theme === 'dark' || theme === 'high-contrast' ? theme : 'light';
}

export function monacoThemeName(theme: AppTheme): string {
  return `qlora-${theme}`;
}

/** Any CSS colour as #rrggbb, the only form Monaco parses; null if it is not an opaque colour. */
function toHex(value: string, ctx: CanvasRenderingContext2D): string | null {
  if (!value) return null;
  ctx.fillStyle = '#010203';
  ctx.fillStyle = value; // an invalid colour leaves the sentinel
  const hex = String(ctx.fillStyle);
  return /^#[0-9a-f]{6}$/i.test(hex) && (hex !== '#010203' || value === '#010203') ? hex : null;
}

function readColours(root: HTMLElement): Record<CssColour, string> {
  const style = getComputedStyle(root);
  const colours = { ...fallbackVars };
  // The built CSS holds minified colours (#000, or a name), which the canvas normalises.
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return colours;
  for (const name of Object.keys(colours) as CssColour[]) {
    colours[name] = toHex(style.getPropertyValue(`--color-${name}`).trim(), ctx) ?? colours[name];
  }
  return colours;
}

function themeData(theme: AppTheme, c: Record<CssColour, string>): editor.IStandaloneThemeData {
  const t = tokenColours[theme];
  return {
    base: base[theme],
    inherit: true,
    rules: [
      { token: '', foreground: c.fg.slice(1) },
      { token: 'variable', foreground: t.variable, fontStyle: 'bold' },
      { token: 'keyword', foreground: t.keyword, fontStyle: 'bold' },
      { token: 'tag', foreground: t.tag },
      { token: 'heading', foreground: c.fg.slice(1), fontStyle: 'bold' },
      { token: 'string', foreground: t.code },
      { token: 'invalid', foreground: t.invalid, fontStyle: 'underline' },
    ],
    colors: {
      'editor.background': c.surface,
      'editor.foreground': c.fg,
      'editorCursor.foreground': c.fg,
      'editor.lineHighlightBackground': c['surface-muted'],
      'editor.lineHighlightBorder': c['surface-muted'],
      focusBorder: c.ring,
      'editorWidget.background': c.surface,
      'editorWidget.foreground': c.fg,
      'editorWidget.border': c.line,
      'editorSuggestWidget.background': c.surface,
      'editorSuggestWidget.foreground': c.fg,
      'editorSuggestWidget.border': c.line,
      'editorSuggestWidget.selectedBackground': c['primary-soft'],
      'editorSuggestWidget.selectedForeground': c.fg,
      'editorSuggestWidget.highlightForeground': c['primary-text'],
      'editorSuggestWidget.focusHighlightForeground': c['primary-text'],
      'editorSuggestWidget.hoverBackground': c['surface-muted'],
      descriptionForeground: c['fg-muted'],
    },
  };
}

/** Defines the theme for the app's current theme and switches every editor to it. */
export function applyAppTheme(root: HTMLElement = document.documentElement): void {
  const theme = currentAppTheme(root);
  editor.defineTheme(monacoThemeName(theme), themeData(theme, readColours(root)));
  editor.setTheme(monacoThemeName(theme));
}
