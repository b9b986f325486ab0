import { Keyboard, Menu, Search } from 'lucide-react';
import { Button } from '../../components/ui/button';
import { Kbd, Shortcut } from '../../components/ui/kbd';
import { isMacPlatform, shortcutKeys } from '../../lib/commands';
import { Tooltip } from '../../components/ui/tooltip';
import { useUiState } from '../ui-state';
import { BrandMark } from './brand';
import { HealthIndicator } from './health-indicator';
import { RoleBadge } from './role-badge';
import { ThemeMenu } from './theme-menu';

/** Menu (phones), command search, health, shortcuts, theme and role. */
export function TopBar({ showMenuButton }: { showMenuButton: boolean }) {
  const { setPaletteOpen, setShortcutsOpen, setDrawerOpen } = useUiState();
  return (
    <header className="sticky top-0 z-30 flex h-16 shrink-0 items-center gap-2 border-b border-line bg-surface/90 px-3 backdrop-blur-md sm:gap-3 md:px-6 hc:border-line-strong hc:bg-surface">
      {showMenuButton && (
        <>
          <Button variant="ghost" size="icon" aria-label="Open navigation" onClick={() => setDrawerOpen(true)}>
            <Menu aria-hidden />
          </Button>
          <BrandMark className="size-7" />
        </>
      )}
      <button
        type="button"
        onClick={() => setPaletteOpen(true)}
        aria-haspopup="dialog"
        aria-keyshortcuts={isMacPlatform() ? 'Meta+K' : 'Control+K'}
        className="group ml-auto flex h-11 min-w-11 items-center justify-center gap-3 rounded-lg text-fg-muted hover:bg-surface-muted hover:text-fg sm:ml-0 sm:w-full sm:max-w-md sm:justify-start sm:border sm:border-line sm:bg-canvas sm:px-3 sm:hover:border-line-strong hc:sm:border-line-strong"
      >
        <Search className="size-5 shrink-0" aria-hidden />
        <span className="sr-only sm:not-sr-only sm:flex-1 sm:text-left sm:text-sm">Search and run commands</span>
        <span aria-hidden className="hidden items-center gap-1 lg:inline-flex">
          {shortcutKeys('mod+k', isMacPlatform())[0]!.map((k) => (
            <Kbd key={k}>{k}</Kbd>
          ))}
        </span>
      </button>
      <div className="flex shrink-0 items-center gap-1 sm:ml-auto">
        <HealthIndicator />
        <Tooltip
          content={
            <span className="flex items-center gap-2">
              Keyboard shortcuts <Shortcut shortcut="?" />
            </span>
          }
          side="bottom"
        >
          <Button variant="ghost" size="icon" aria-label="Keyboard shortcuts" onClick={() => setShortcutsOpen(true)} className="hidden sm:inline-flex">
            <Keyboard aria-hidden />
          </Button>
        </Tooltip>
        <ThemeMenu />
        <RoleBadge />
      </div>
    </header>
  );
}
