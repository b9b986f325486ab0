import { useSyncExternalStore } from 'react';
import { z } from 'zod';
import { parseStored, storedJson } from './browser-storage';

/**
 * Per-browser preferences (theme, motion, font size, sidebar, notifications), kept in
 * localStorage and applied to <html> as data attributes. index.html applies the same rules
 * before the first paint; keep the two in step (preferences.test.ts checks they agree).
 */

export const themePreferences = ['light', 'dark', 'high-contrast', 'system'] as const;
export type ThemePreference = (typeof themePreferences)[number];
export type ResolvedTheme = Exclude<ThemePreference, 'system'>;

export const motionPreferences = ['system', 'reduce', 'full'] as const;
export type MotionPreference = (typeof motionPreferences)[number];

export const fontSizes = ['small', 'default', 'large', 'x-large'] as const;
export type FontSize = (typeof fontSizes)[number];

export interface Preferences {
  theme: ThemePreference;
  motion: MotionPreference;
  fontSize: FontSize;
  /** The user folded the desktop sidebar to icons. */
  sidebarCollapsed: boolean;
  /** Show a toast when a job finishes. */
  notifyJobs: boolean;
  /** Also show a system notification when a job finishes while this tab is hidden (needs the browser's permission). */
  browserNotifyJobs: boolean;
}

export const PREFERENCES_KEY = 'qlora.preferences';

export const defaultPreferences: Preferences = {
  theme: 'system',
  motion: 'system',
  fontSize: 'default',
  sidebarCollapsed: false,
  notifyJobs: true,
  browserNotifyJobs: false,
};

/** Root font size per setting; rem-based sizes scale with it. */
export const fontScale: Record<FontSize, string> = { small: '87.5%', default: '', large: '112.5%', 'x-large': '125%' };

/** Stored preferences: every valid field is kept, a missing or invalid one takes its default. */
const preferencesSchema = z.object({
  theme: z.enum(themePreferences).catch(defaultPreferences.theme),
  motion: z.enum(motionPreferences).catch(defaultPreferences.motion),
  fontSize: z.enum(fontSizes).catch(defaultPreferences.fontSize),
  sidebarCollapsed: z.boolean().catch(defaultPreferences.sidebarCollapsed),
  notifyJobs: z.boolean().catch(defaultPreferences.notifyJobs),
  browserNotifyJobs: z.boolean().catch(defaultPreferences.browserNotifyJobs),
}) satisfies z.ZodType<Preferences>;

/** Reads stored preferences, keeping every valid field and defaulting the rest. */
export function parsePreferences(raw: string | null): Preferences {
  return parseStored(raw, preferencesSchema, () => ({ ...defaultPreferences }));
}

const storedPreferences = storedJson('local', PREFERENCES_KEY, preferencesSchema, () => ({ ...defaultPreferences }));

/** What the operating system asks for. */
export interface SystemPreferences {
  dark: boolean;
  moreContrast: boolean;
  reducedMotion: boolean;
}

export function resolveTheme(theme: ThemePreference, system: SystemPreferences): ResolvedTheme {
  if (theme !== 'system') return theme;
  if (system.moreContrast) return 'high-contrast';
  return system.dark ? 'dark' : 'light';
}

export function resolveMotion(motion: MotionPreference, system: SystemPreferences): 'reduce' | 'full' {
  if (motion === 'system') return system.reducedMotion ? 'reduce' : 'full';
  return motion;
}

const queries = {
  dark: '(prefers-color-scheme: dark)',
  moreContrast: '(prefers-contrast: more)',
  reducedMotion: '(prefers-reduced-motion: reduce)',
} as const;

function readSystem(): SystemPreferences {
  const match = (q: string) => typeof window !== 'undefined' && !!window.matchMedia?.(q).matches;
  return { dark: match(queries.dark), moreContrast: match(queries.moreContrast), reducedMotion: match(queries.reducedMotion) };
}

/** Writes the preferences onto <html>: data-theme, data-motion, color-scheme and font size. */
export function applyPreferences(root: HTMLElement, prefs: Preferences, system: SystemPreferences): void {
  const theme = resolveTheme(prefs.theme, system);
  const themeChanged = root.getAttribute('data-theme') !== theme;
  if (themeChanged) root.classList.add('theme-switching');
  root.setAttribute('data-theme', theme);
  root.style.colorScheme = theme === 'light' ? 'light' : 'dark';
  root.setAttribute('data-motion', resolveMotion(prefs.motion, system));
  root.style.fontSize = fontScale[prefs.fontSize];
  if (themeChanged) requestAnimationFrame(() => requestAnimationFrame(() => root.classList.remove('theme-switching')));
}

interface Snapshot {
  prefs: Preferences;
  system: SystemPreferences;
}

function createPreferencesStore() {
  const load = (): Preferences => storedPreferences.read();
  let snapshot: Snapshot = { prefs: load(), system: readSystem() };
  const listeners = new Set<() => void>();
  let started = false;

  const emit = () => {
    applyPreferences(document.documentElement, snapshot.prefs, snapshot.system);
    for (const listener of listeners) listener();
  };

  const start = () => {
    if (started || typeof window === 'undefined') return;
    started = true;
    for (const q of Object.values(queries)) {
      window.matchMedia?.(q).addEventListener('change', () => {
        snapshot = { ...snapshot, system: readSystem() };
        emit();
      });
    }
    // Another tab changed the preferences: follow it.
    window.addEventListener('storage', (event) => {
      if (event.key !== PREFERENCES_KEY) return;
      snapshot = { ...snapshot, prefs: load() };
      emit();
    });
  };

  return {
    get: () => snapshot,
    subscribe(listener: () => void) {
      start();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update(patch: Partial<Preferences>) {
      snapshot = { ...snapshot, prefs: { ...snapshot.prefs, ...patch } };
      // Private mode or full storage: the change still applies to this page.
      storedPreferences.write(snapshot.prefs);
      emit();
    },
  };
}

export const preferencesStore = createPreferencesStore();

export interface UsePreferences {
  prefs: Preferences;
  theme: ResolvedTheme;
  reducedMotion: boolean;
  system: SystemPreferences;
  update: (patch: Partial<Preferences>) => void;
}

/** The current preferences and what they resolve to; re-renders when either changes. */
export function usePreferences(): UsePreferences {
  const { prefs, system } = useSyncExternalStore(preferencesStore.subscribe, preferencesStore.get);
  return {
    prefs,
    system,
    theme: resolveTheme(prefs.theme, system),
    reducedMotion: resolveMotion(prefs.motion, system) === 'reduce',
    update: preferencesStore.update,
  };
}
