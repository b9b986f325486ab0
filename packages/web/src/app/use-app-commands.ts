import { Accessibility, Contrast, Gauge, HelpCircle, Monitor, Moon, PanelLeft, Search, Sun, Zap } from 'lucide-react';
import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { useLaunchSystemCheck } from '../features/dashboard/components/use-launch-system-check';
import { usePermission } from '../lib/system/get-session';
import { useRegisterCommands, type Command } from '../lib/commands';
import { preferencesStore } from '../lib/preferences';
import { navItems } from './nav';
import { useUiState } from './ui-state';

/**
 * Registers the app-wide commands: navigation, actions, theme and help. Pages add their own
 * with useRegisterCommands while they are shown.
 */
export function useAppCommands({ onToggleSidebar }: { onToggleSidebar: () => void }) {
  const navigate = useNavigate();
  const { setPaletteOpen, setShortcutsOpen } = useUiState();
  const { launch } = useLaunchSystemCheck();
  const canLaunch = usePermission('jobs:launch');

  const commands = useMemo<Command[]>(() => {
    const setTheme = (theme: 'light' | 'dark' | 'high-contrast' | 'system') => () => preferencesStore.update({ theme });
    return [
      ...navItems.map<Command>((item) => ({
        id: `nav.${item.label.toLowerCase()}`,
        title: `Go to ${item.label}`,
        group: 'Navigation',
        keywords: [item.label, item.description],
        shortcut: item.shortcut,
        icon: item.icon,
        run: () => navigate(item.to),
      })),
      {
        id: 'nav.accessibility',
        title: 'Open accessibility settings',
        group: 'Navigation',
        keywords: ['font size', 'text size', 'motion', 'contrast', 'a11y'],
        icon: Accessibility,
        run: () => navigate('/settings#accessibility'),
      },
      {
        id: 'action.system-check',
        title: 'Run system check',
        group: 'Actions',
        keywords: ['benchmark', 'speed', 'gflops', 'cpu', 'test machine'],
        icon: Gauge,
        disabledReason: canLaunch.allowed ? undefined : (canLaunch.reason ?? undefined),
        run: launch,
      },
      { id: 'theme.light', title: 'Use light theme', group: 'Theme', keywords: ['appearance', 'bright'], icon: Sun, run: setTheme('light') },
      { id: 'theme.dark', title: 'Use dark theme', group: 'Theme', keywords: ['appearance', 'night'], icon: Moon, run: setTheme('dark') },
      {
        id: 'theme.high-contrast',
        title: 'Use high-contrast theme',
        group: 'Theme',
        keywords: ['appearance', 'accessibility', 'contrast'],
        icon: Contrast,
        run: setTheme('high-contrast'),
      },
      { id: 'theme.system', title: 'Follow the system theme', group: 'Theme', keywords: ['appearance', 'auto', 'os'], icon: Monitor, run: setTheme('system') },
      {
        id: 'motion.toggle',
        title: 'Toggle reduced motion',
        group: 'Theme',
        keywords: ['animation', 'accessibility', 'motion'],
        icon: Zap,
        run: () => {
          const { prefs, system } = preferencesStore.get();
          const reduced = prefs.motion === 'reduce' || (prefs.motion === 'system' && system.reducedMotion);
          preferencesStore.update({ motion: reduced ? 'full' : 'reduce' });
        },
      },
      {
        id: 'ui.palette',
        title: 'Open the command palette',
        group: 'General',
        shortcut: 'mod+k',
        allowInInputs: true,
        hiddenInPalette: true,
        icon: Search,
        run: () => setPaletteOpen(true),
      },
      {
        id: 'ui.shortcuts',
        title: 'Show keyboard shortcuts',
        group: 'General',
        keywords: ['help', 'keys', 'hotkeys'],
        shortcut: '?',
        icon: HelpCircle,
        run: () => setShortcutsOpen(true),
      },
      {
        id: 'ui.sidebar',
        title: 'Collapse or expand the sidebar',
        group: 'General',
        keywords: ['navigation', 'menu'],
        shortcut: '[',
        icon: PanelLeft,
        run: onToggleSidebar,
      },
    ];
  }, [navigate, launch, canLaunch.allowed, canLaunch.reason, setPaletteOpen, setShortcutsOpen, onToggleSidebar]);

  useRegisterCommands(commands);
}
