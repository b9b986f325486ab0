import { useEffect, useSyncExternalStore, type ComponentType } from 'react';

/**
 * The one registry of commands. The command palette, the keyboard shortcut handler and the
 * shortcut help all read from it, so a command and its shortcut are declared once.
 */
export interface Command {
  /** Stable id, e.g. `nav.dashboard`. */
  id: string;
  title: string;
  /** Heading it is listed under in the palette and the shortcut help. */
  group: string;
  /** Extra words the palette matches on. */
  keywords?: string[];
  /**
   * Keys that run the command: chords joined by `+`, a sequence separated by spaces.
   * `mod` is ⌘ on macOS and Ctrl elsewhere. Examples: `mod+k`, `?`, `g d`.
   */
  shortcut?: string;
  icon?: ComponentType<{ className?: string; 'aria-hidden'?: boolean }>;
  /** Why the command cannot run now (e.g. the role lacks a permission); it is shown, not run. */
  disabledReason?: string;
  /** Listed in the shortcut help but not in the palette (e.g. "open the palette"). */
  hiddenInPalette?: boolean;
  /** The shortcut also works while typing in a text field. */
  allowInInputs?: boolean;
  run: () => void;
}

type Listener = () => void;

export class CommandRegistry {
  private commands = new Map<string, Command>();
  private listeners = new Set<Listener>();
  private snapshot: Command[] = [];

  /** Adds (or replaces, by id) commands; returns a function that removes them again. */
  register(commands: readonly Command[]): () => void {
    for (const command of commands) this.commands.set(command.id, command);
    this.changed();
    return () => {
      for (const command of commands) {
        if (this.commands.get(command.id) === command) this.commands.delete(command.id);
      }
      this.changed();
    };
  }

  /** Every registered command, in registration order. The array is stable between changes. */
  list = (): Command[] => this.snapshot;

  get(id: string): Command | undefined {
    return this.commands.get(id);
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed() {
    this.snapshot = [...this.commands.values()];
    for (const listener of this.listeners) listener();
  }
}

export const commandRegistry = new CommandRegistry();

/** Registers commands while the calling component is mounted. Memoise `commands`. */
export function useRegisterCommands(commands: readonly Command[], registry: CommandRegistry = commandRegistry): void {
  useEffect(() => registry.register(commands), [commands, registry]);
}

/** The registered commands; re-renders when they change. */
export function useCommands(registry: CommandRegistry = commandRegistry): Command[] {
  return useSyncExternalStore(registry.subscribe, registry.list, registry.list);
}

// ---- shortcuts ---------------------------------------------------------------------------------

/** The parts of a KeyboardEvent the matcher reads. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const modifierKeys = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'Fn', 'OS', 'Hyper', 'Super']);
const keyAliases: Record<string, string> = { ' ': 'space', esc: 'escape', del: 'delete', return: 'enter' };

function normalizeKey(key: string): string {
  const lower = key.toLowerCase();
  return keyAliases[lower] ?? keyAliases[key] ?? lower;
}

/** Canonical text of one chord: modifiers in a fixed order, then the key. */
function canonicalChord(parts: { mod: boolean; ctrl: boolean; alt: boolean; shift: boolean; key: string }): string {
  return [parts.mod && 'mod', parts.ctrl && 'ctrl', parts.alt && 'alt', parts.shift && 'shift', parts.key].filter(Boolean).join('+');
}

/** Shift only counts for letters and named keys: `?` is already shifted on most layouts. */
function shiftMatters(key: string): boolean {
  return /^[a-z]$/.test(key) || key.length > 1;
}

/** `Mod+Shift+P` → `mod+shift+p`; `g d` stays a sequence of two chords. */
export function normalizeShortcut(shortcut: string): string {
  return shortcut
    .trim()
    .split(/\s+/)
    .map((chord) => {
      const parts = chord.split('+').map((p) => p.trim());
      const raw = parts.pop() ?? '';
      const key = normalizeKey(raw === '' ? '+' : raw);
      const mods = new Set(parts.map((p) => p.toLowerCase()));
      return canonicalChord({
        mod: mods.has('mod'),
        ctrl: mods.has('ctrl'),
        alt: mods.has('alt'),
        shift: mods.has('shift') && shiftMatters(key),
        key,
      });
    })
    .join(' ');
}

/** Canonical chord for a key event, or null for a bare modifier press. */
export function chordFromEvent(event: KeyLike, isMac: boolean): string | null {
  if (modifierKeys.has(event.key)) return null;
  const key = normalizeKey(event.key);
  const mod = isMac ? event.metaKey : event.ctrlKey;
  const ctrl = isMac ? event.ctrlKey : false;
  if (!isMac && event.metaKey) return null; // The Windows key belongs to the system.
  return canonicalChord({ mod, ctrl, alt: event.altKey, shift: event.shiftKey && shiftMatters(key), key });
}

/** Key caps to show for a shortcut, e.g. `mod+k` → [["Ctrl","K"]] or [["⌘","K"]]. */
export function shortcutKeys(shortcut: string, isMac: boolean): string[][] {
  const names: Record<string, string> = isMac ? { mod: '⌘', ctrl: '⌃', alt: '⌥', shift: '⇧' } : { mod: 'Ctrl', ctrl: 'Ctrl', alt: 'Alt', shift: 'Shift' };
  const keys: Record<string, string> = { escape: 'Esc', enter: 'Enter', space: 'Space', arrowup: '↑', arrowdown: '↓' };
  return normalizeShortcut(shortcut)
    .split(' ')
    .map((chord) => chord.split('+').map((part, i, all) => (i < all.length - 1 ? (names[part] ?? part) : (keys[part] ?? part.toUpperCase()))));
}

/** Spoken form of a shortcut for screen readers: "Control K", "G then D". */
export function describeShortcut(shortcut: string, isMac: boolean): string {
  const spoken: Record<string, string> = isMac ? { '⌘': 'Command', '⌃': 'Control', '⌥': 'Option', '⇧': 'Shift' } : { Ctrl: 'Control' };
  return shortcutKeys(shortcut, isMac)
    .map((chord) => chord.map((k) => spoken[k] ?? (k === '?' ? 'question mark' : k)).join(' '))
    .join(' then ');
}

export interface ShortcutMatcherOptions {
  isMac: boolean;
  /** A sequence must be finished within this many ms. */
  sequenceTimeoutMs?: number;
  now?: () => number;
}

/**
 * Builds a stateful matcher: feed it key events; it answers with the command to run (or null).
 * Sequences such as `g d` wait for their next key; a stale or wrong key starts over.
 * `inEditable` events only match commands with `allowInInputs`.
 */
export function createShortcutMatcher(getCommands: () => readonly Command[], options: ShortcutMatcherOptions) {
  const timeout = options.sequenceTimeoutMs ?? 1200;
  const now = options.now ?? (() => Date.now());
  let pending = '';
  let pendingAt = 0;

  const lookup = (sequence: string, inEditable: boolean) => {
    let exact: Command | undefined;
    let prefix = false;
    for (const command of getCommands()) {
      if (!command.shortcut || (inEditable && !command.allowInInputs)) continue;
      const shortcut = normalizeShortcut(command.shortcut);
      if (shortcut === sequence) exact ??= command;
      else if (shortcut.startsWith(`${sequence} `)) prefix = true;
    }
    return { exact, prefix };
  };

  return {
    /** Returns the command the event completes, or null. `handled` says the key was consumed. */
    feed(event: KeyLike, inEditable = false): { command: Command | null; handled: boolean } {
      const chord = chordFromEvent(event, options.isMac);
      if (!chord) return { command: null, handled: false };
      if (pending && now() - pendingAt > timeout) pending = '';
      const attempts = pending ? [`${pending} ${chord}`, chord] : [chord];
      pending = '';
      for (const sequence of attempts) {
        const { exact, prefix } = lookup(sequence, inEditable);
        if (exact) return { command: exact, handled: true };
        if (prefix) {
          pending = sequence;
          pendingAt = now();
          return { command: null, handled: true };
        }
      }
      return { command: null, handled: false };
    },
    reset() {
      pending = '';
    },
  };
}

/** True when the event comes from somewhere the user types text. */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

export const isMacPlatform = (): boolean => typeof navigator !== 'undefined' && /Mac|iPhone|iPad|iPod/i.test(navigator.platform || navigator.userAgent);

// ---- palette search --------------------------------------------------------------------------------

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/**
 * How well a command matches what was typed in the palette, 0 (no match) to 1. Whole-title
 * matches beat word-prefix matches beat keyword matches, so "dark" finds "Use dark theme"
 * before "Go to Dashboard", and "settings" finds "Go to Settings" first.
 */
export function scoreCommand(title: string, keywords: readonly string[], search: string): number {
  const query = search.trim().toLowerCase();
  if (!query) return 1;
  const t = title.toLowerCase();
  const queryWords = words(query);
  const titleWords = words(title);
  const keywordWords = keywords.flatMap(words);
  if (t === query) return 1;
  if (t.startsWith(query)) return 0.95;
  // Every typed word is a whole word of the title.
  if (queryWords.every((q) => titleWords.includes(q))) return 0.9 - 0.01 * (titleWords.length - queryWords.length);
  if (t.includes(query)) return 0.8;
  // Every typed word starts a word of the title (or, less good, of a keyword).
  if (queryWords.every((q) => titleWords.some((w) => w.startsWith(q)))) return 0.7 - 0.01 * titleWords.length;
  if (queryWords.every((q) => titleWords.some((w) => w.startsWith(q)) || keywordWords.some((w) => w.startsWith(q)))) return 0.5;
  if (keywords.some((k) => k.toLowerCase().includes(query))) return 0.4;
  // Letters in order (typos aside), as a last resort: "gtdash" → "Go to Dashboard".
  let i = 0;
  for (const ch of t) if (ch === query[i]) i += 1;
  return i === query.length ? 0.1 : 0;
}
