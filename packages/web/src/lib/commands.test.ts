import { describe, expect, it, vi } from 'vitest';
import {
  CommandRegistry,
  chordFromEvent,
  createShortcutMatcher,
  describeShortcut,
  normalizeShortcut,
  scoreCommand,
  shortcutKeys,
  type Command,
  type KeyLike,
} from './commands';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

function command(id: string, shortcut?: string, extra: Partial<Command> = {}): Command {
  return { id, title: id, group: 'Test', shortcut, run: vi.fn(), ...extra };
}

describe('CommandRegistry', () => {
  it('lists what is registered and forgets it on unregister', () => {
    const registry = new CommandRegistry();
    const a = command('a');
    const b = command('b');
    const off = registry.register([a, b]);
    expect(registry.list().map((c) => c.id)).toEqual(['a', 'b']);
    off();
    expect(registry.list()).toEqual([]);
  });

  it('replaces a command registered again under the same id, and the newer one survives the older unregister', () => {
    const registry = new CommandRegistry();
    const offOld = registry.register([command('x', undefined, { title: 'old' })]);
    registry.register([command('x', undefined, { title: 'new' })]);
    offOld();
    expect(registry.get('x')?.title).toBe('new');
  });

  it('notifies subscribers and keeps the snapshot stable between changes', () => {
    const registry = new CommandRegistry();
    const listener = vi.fn();
    registry.subscribe(listener);
    registry.register([command('a')]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(registry.list()).toBe(registry.list());
  });
});

describe('normalizeShortcut', () => {
  it('orders modifiers and lowercases keys', () => {
    expect(normalizeShortcut('Shift+Mod+P')).toBe('mod+shift+p');
    expect(normalizeShortcut('g  D')).toBe('g d');
  });
  it('drops shift for symbols that need it anyway', () => {
    expect(normalizeShortcut('shift+?')).toBe('?');
  });
});

describe('chordFromEvent', () => {
  it('maps Ctrl to mod off macOS and ⌘ to mod on macOS', () => {
    expect(chordFromEvent(key('k', { ctrlKey: true }), false)).toBe('mod+k');
    expect(chordFromEvent(key('k', { metaKey: true }), true)).toBe('mod+k');
    expect(chordFromEvent(key('k', { ctrlKey: true }), true)).toBe('ctrl+k');
  });
  it('ignores bare modifier presses', () => {
    expect(chordFromEvent(key('Shift', { shiftKey: true }), false)).toBeNull();
  });
  it('reads "?" typed with shift as "?"', () => {
    expect(chordFromEvent(key('?', { shiftKey: true }), false)).toBe('?');
  });
});

describe('createShortcutMatcher', () => {
  const palette = command('palette', 'mod+k', { allowInInputs: true });
  const help = command('help', '?');
  const dashboard = command('dashboard', 'g d');
  const activity = command('activity', 'g a');
  const commands = [palette, help, dashboard, activity];

  it('matches single chords', () => {
    const matcher = createShortcutMatcher(() => commands, { isMac: false });
    expect(matcher.feed(key('k', { ctrlKey: true })).command).toBe(palette);
    expect(matcher.feed(key('?', { shiftKey: true })).command).toBe(help);
  });

  it('matches a sequence, consuming its first key', () => {
    const matcher = createShortcutMatcher(() => commands, { isMac: false });
    expect(matcher.feed(key('g'))).toEqual({ command: null, handled: true });
    expect(matcher.feed(key('a')).command).toBe(activity);
  });

  it('forgets a sequence that is not finished in time', () => {
    let t = 0;
    const matcher = createShortcutMatcher(() => commands, { isMac: false, now: () => t, sequenceTimeoutMs: 1000 });
    matcher.feed(key('g'));
    t = 1500;
    expect(matcher.feed(key('d')).command).toBeNull();
  });

  it('starts over when a sequence gets a wrong key', () => {
    const matcher = createShortcutMatcher(() => commands, { isMac: false });
    matcher.feed(key('g'));
    expect(matcher.feed(key('?', { shiftKey: true })).command).toBe(help);
  });

  it('only runs commands that allow it while the user types', () => {
    const matcher = createShortcutMatcher(() => commands, { isMac: false });
    expect(matcher.feed(key('?', { shiftKey: true }), true).command).toBeNull();
    expect(matcher.feed(key('g'), true).handled).toBe(false);
    expect(matcher.feed(key('k', { ctrlKey: true }), true).command).toBe(palette);
  });

  it('does not treat shift+letter as the letter', () => {
    const matcher = createShortcutMatcher(() => commands, { isMac: false });
    expect(matcher.feed(key('G', { shiftKey: true })).handled).toBe(false);
  });
});

describe('shortcutKeys and describeShortcut', () => {
  it('shows platform key caps', () => {
    expect(shortcutKeys('mod+k', false)).toEqual([['Ctrl', 'K']]);
    expect(shortcutKeys('mod+k', true)).toEqual([['⌘', 'K']]);
    expect(shortcutKeys('g d', false)).toEqual([['G'], ['D']]);
  });
  it('reads shortcuts out in words', () => {
    expect(describeShortcut('mod+k', false)).toBe('Control K');
    expect(describeShortcut('g d', false)).toBe('G then D');
    expect(describeShortcut('?', false)).toBe('question mark');
  });
});

describe('scoreCommand', () => {
  const titles = ['Go to Dashboard', 'Go to Activity', 'Go to Settings', 'Open accessibility settings', 'Use dark theme', 'Use light theme'];
  const best = (search: string) =>
    titles
      .map((t) => ({ t, s: scoreCommand(t, t === 'Go to Dashboard' ? ['Overview, health and quick actions'] : [], search) }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s)[0]?.t;

  it('ranks whole words of the title first', () => {
    expect(best('dark')).toBe('Use dark theme');
    expect(best('settings')).toBe('Go to Settings');
    expect(best('dark theme')).toBe('Use dark theme');
  });
  it('matches word prefixes and keywords', () => {
    expect(best('acc set')).toBe('Open accessibility settings');
    expect(best('health')).toBe('Go to Dashboard');
  });
  it('falls back to letters in order, and rejects what does not match at all', () => {
    expect(best('gtdash')).toBe('Go to Dashboard');
    expect(best('zzz')).toBeUndefined();
  });
});
