import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

interface UiState {
  paletteOpen: boolean;
  setPaletteOpen: (open: boolean) => void;
  shortcutsOpen: boolean;
  setShortcutsOpen: (open: boolean) => void;
  drawerOpen: boolean;
  setDrawerOpen: (open: boolean) => void;
}

const UiContext = createContext<UiState | null>(null);

/** Which app-level overlays (palette, shortcut help, navigation drawer) are open. */
export function UiStateProvider({ children }: { children: ReactNode }) {
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const value = useMemo(
    () => ({ paletteOpen, setPaletteOpen, shortcutsOpen, setShortcutsOpen, drawerOpen, setDrawerOpen }),
    [paletteOpen, shortcutsOpen, drawerOpen],
  );
  return <UiContext value={value}>{children}</UiContext>;
}

export function useUiState(): UiState {
  const ctx = useContext(UiContext);
  if (!ctx) throw new Error('useUiState needs a UiStateProvider');
  return ctx;
}
