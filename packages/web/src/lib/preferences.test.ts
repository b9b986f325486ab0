import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  defaultPreferences,
  fontScale,
  fontSizes,
  motionPreferences,
  parsePreferences,
  resolveMotion,
  resolveTheme,
  themePreferences,
  type Preferences,
  type SystemPreferences,
} from './preferences';

describe('parsePreferences', () => {
  it('defaults everything when nothing is stored', () => {
    expect(parsePreferences(null)).toEqual(defaultPreferences);
  });
  it('keeps valid fields and drops invalid ones', () => {
    const prefs = parsePreferences(JSON.stringify({ theme: 'dark', motion: 'sideways', fontSize: 'large', notifyJobs: 'yes' }));
    expect(prefs).toEqual({ ...defaultPreferences, theme: 'dark', fontSize: 'large' });
  });
  it('survives corrupt JSON', () => {
    expect(parsePreferences('{nope')).toEqual(defaultPreferences);
  });
});

describe('resolveTheme', () => {
  const system: SystemPreferences = { dark: true, moreContrast: false, reducedMotion: false };
  it('uses an explicit choice as is', () => {
    expect(resolveTheme('light', system)).toBe('light');
    expect(resolveTheme('high-contrast', system)).toBe('high-contrast');
  });
  it('follows the system colour scheme, and its request for more contrast', () => {
    expect(resolveTheme('system', system)).toBe('dark');
    expect(resolveTheme('system', { ...system, dark: false })).toBe('light');
    expect(resolveTheme('system', { ...system, moreContrast: true })).toBe('high-contrast');
  });
});

describe('resolveMotion', () => {
  it('follows the system unless the user chose', () => {
    expect(resolveMotion('system', { dark: false, moreContrast: false, reducedMotion: true })).toBe('reduce');
    expect(resolveMotion('full', { dark: false, moreContrast: false, reducedMotion: true })).toBe('full');
    expect(resolveMotion('reduce', { dark: false, moreContrast: false, reducedMotion: false })).toBe('reduce');
  });
});

/** Runs index.html's boot script against a fake browser and reports what it set on <html>. */
function runBootScript(stored: Partial<Preferences>, system: SystemPreferences) {
  const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
  const script = /<script id="preferences-boot">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error('index.html lost its preferences-boot script');
  const attrs: Record<string, string> = {};
  const style: Record<string, string> = {};
  const documentElement = { setAttribute: (k: string, v: string) => (attrs[k] = v), style };
  const media: Record<string, boolean> = {
    '(prefers-color-scheme: dark)': system.dark,
    '(prefers-contrast: more)': system.moreContrast,
    '(prefers-reduced-motion: reduce)': system.reducedMotion,
  };
  const window = { matchMedia: (q: string) => ({ matches: media[q] ?? false }) };
  const localStorage = { getItem: () => JSON.stringify(stored) };
  new Function('window', 'document', 'localStorage', script)(window, { documentElement }, localStorage);
  return { theme: attrs['data-theme'], motion: attrs['data-motion'], fontSize: style.fontSize ?? '' };
}

describe('the boot script in index.html', () => {
  const systems: SystemPreferences[] = [
    { dark: false, moreContrast: false, reducedMotion: false },
    { dark: true, moreContrast: false, reducedMotion: true },
    { dark: true, moreContrast: true, reducedMotion: false },
  ];
  it('resolves every combination exactly as the app does', () => {
    for (const system of systems) {
      for (const theme of themePreferences) {
        for (const motion of motionPreferences) {
          for (const fontSize of fontSizes) {
            const got = runBootScript({ theme, motion, fontSize }, system);
            expect(got).toEqual({ theme: resolveTheme(theme, system), motion: resolveMotion(motion, system), fontSize: fontScale[fontSize] });
          }
        }
      }
    }
  });
});
