import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { Outlet, useLocation } from 'react-router';
import { Dialog, SheetContent } from '../../components/ui/dialog';
import { breakpoints, useMediaQuery } from '../../lib/use-media-query';
import { preferencesStore, usePreferences } from '../../lib/preferences';
import { LiveUpdates } from '../live-updates';
import { pageImports, prefetchPages } from '../pages';
import { useUiState } from '../ui-state';
import { useAppCommands } from '../use-app-commands';
import { useKeyboardShortcuts } from '../use-keyboard-shortcuts';
import { ShortcutsDialog } from './shortcuts-dialog';
import { SidebarNav, Sidebar } from './sidebar';
import { TopBar } from './top-bar';

const CommandPalette = lazy(pageImports.palette);

/** Moves focus to the main region after navigation, so keyboard and screen-reader users land on the new page. */
function useFocusMainOnNavigate(main: React.RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const el = main.current;
    if (el && !el.contains(document.activeElement)) el.focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }, [pathname, main]);
}

export function AppLayout() {
  const isTablet = useMediaQuery(breakpoints.tablet);
  const isDesktop = useMediaQuery(breakpoints.desktop);
  const { prefs, update } = usePreferences();
  const { paletteOpen, drawerOpen, setDrawerOpen } = useUiState();
  const [paletteLoaded, setPaletteLoaded] = useState(false);
  const main = useRef<HTMLElement>(null);

  const toggleSidebar = useCallback(() => {
    if (!window.matchMedia(breakpoints.tablet).matches) setDrawerOpen(true);
    else update({ sidebarCollapsed: !preferencesStore.get().prefs.sidebarCollapsed });
  }, [setDrawerOpen, update]);

  useAppCommands({ onToggleSidebar: toggleSidebar });
  useKeyboardShortcuts();
  useFocusMainOnNavigate(main);
  useEffect(() => prefetchPages(), []);
  useEffect(() => {
    if (paletteOpen) setPaletteLoaded(true);
  }, [paletteOpen]);
  useEffect(() => {
    if (isTablet) setDrawerOpen(false);
  }, [isTablet, setDrawerOpen]);

  const collapsed = !isDesktop || prefs.sidebarCollapsed;

  return (
    <LiveUpdates>
      <a
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          main.current?.focus();
        }}
        className="fixed top-3 left-3 z-[100] -translate-y-24 rounded-lg bg-primary px-4 py-3 font-semibold text-primary-fg shadow-raised transition-transform focus:translate-y-0"
      >
        Skip to main content
      </a>
      <div className="flex min-h-dvh">
        {isTablet && <Sidebar collapsed={collapsed} onToggleCollapsed={isDesktop ? () => update({ sidebarCollapsed: !prefs.sidebarCollapsed }) : undefined} />}
        <Dialog open={drawerOpen && !isTablet} onOpenChange={setDrawerOpen}>
          <SheetContent title="Navigation">
            <SidebarNav collapsed={false} onNavigate={() => setDrawerOpen(false)} />
          </SheetContent>
        </Dialog>
        <div className="flex min-w-0 flex-1 flex-col">
          <TopBar showMenuButton={!isTablet} />
          <main ref={main} id="main" tabIndex={-1} className="mx-auto w-full max-w-[90rem] flex-1 px-4 py-6 outline-none sm:px-6 lg:px-8 lg:py-8">
            <Outlet />
          </main>
        </div>
      </div>
      <ShortcutsDialog />
      {paletteLoaded && (
        <Suspense fallback={null}>
          <CommandPalette />
        </Suspense>
      )}
    </LiveUpdates>
  );
}
