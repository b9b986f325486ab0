import { Check } from 'lucide-react';
import { RadioCard, RadioGroup } from '../../../components/ui/radio-group';
import { resolveTheme, usePreferences, type ThemePreference } from '../../../lib/preferences';

/** Fixed colours of each theme, so a preview shows that theme whatever the current one is. */
const palettes = {
  light: { canvas: '#f4f6fa', surface: '#ffffff', line: '#e2e8f0', fg: '#0f172a', muted: '#cbd5e1', primary: '#1e40af', success: '#059669' },
  dark: { canvas: '#0a0f1c', surface: '#111827', line: '#253049', fg: '#e8edf5', muted: '#334155', primary: '#3a5fe0', success: '#10b981' },
  'high-contrast': { canvas: '#000000', surface: '#000000', line: '#ffffff', fg: '#ffffff', muted: '#a3a3a3', primary: '#ffe14d', success: '#3ee08a' },
};

function MiniApp({ palette }: { palette: (typeof palettes)['light'] }) {
  const p = palette;
  return (
    <div className="flex h-full w-full" style={{ background: p.canvas }}>
      <div className="flex w-1/4 flex-col gap-1.5 p-2" style={{ background: p.surface, borderRight: `1px solid ${p.line}` }}>
        <span className="h-2 w-3/4 rounded-sm" style={{ background: p.primary }} />
        <span className="h-1.5 w-full rounded-sm" style={{ background: p.muted }} />
        <span className="h-1.5 w-2/3 rounded-sm" style={{ background: p.muted }} />
        <span className="h-1.5 w-3/4 rounded-sm" style={{ background: p.muted }} />
      </div>
      <div className="flex flex-1 flex-col gap-2 p-2">
        <span className="h-2 w-1/2 rounded-sm" style={{ background: p.fg }} />
        <div className="flex flex-1 gap-2">
          <div className="flex flex-1 flex-col gap-1 rounded p-1.5" style={{ background: p.surface, border: `1px solid ${p.line}` }}>
            <span className="h-1.5 w-2/3 rounded-sm" style={{ background: p.muted }} />
            <span className="mt-auto h-2.5 w-1/2 rounded-sm" style={{ background: p.primary }} />
          </div>
          <div className="flex flex-1 flex-col gap-1 rounded p-1.5" style={{ background: p.surface, border: `1px solid ${p.line}` }}>
            <span className="h-1.5 w-1/2 rounded-sm" style={{ background: p.muted }} />
            <span className="mt-auto h-1.5 w-full rounded-full" style={{ background: p.success }} />
          </div>
        </div>
      </div>
    </div>
  );
}

function Preview({ theme }: { theme: ThemePreference }) {
  return (
    <div aria-hidden className="relative aspect-[16/10] w-full overflow-hidden rounded-lg border border-line">
      {theme === 'system' ? (
        <>
          <MiniApp palette={palettes.light} />
          <div className="absolute inset-0" style={{ clipPath: 'polygon(55% 0, 100% 0, 100% 100%, 35% 100%)' }}>
            <MiniApp palette={palettes.dark} />
          </div>
        </>
      ) : (
        <MiniApp palette={palettes[theme]} />
      )}
    </div>
  );
}

const options: { value: ThemePreference; label: string; description: string }[] = [
  { value: 'light', label: 'Light', description: 'Dark text on light surfaces' },
  { value: 'dark', label: 'Dark', description: 'Easy on the eyes at night' },
  { value: 'high-contrast', label: 'High contrast', description: 'Maximum contrast, bold outlines' },
  { value: 'system', label: 'Follow system', description: 'Matches your device setting' },
];

/** Theme choice with a preview of each; switches instantly and is remembered in this browser. */
export function ThemePicker({ labelledBy }: { labelledBy: string }) {
  const { prefs, system, update } = usePreferences();
  const systemTheme = resolveTheme('system', system);
  const systemNow = systemTheme === 'high-contrast' ? 'high contrast' : systemTheme;
  return (
    <RadioGroup
      aria-labelledby={labelledBy}
      value={prefs.theme}
      onValueChange={(value) => update({ theme: value as ThemePreference })}
      className="grid-cols-2 md:grid-cols-4"
    >
      {options.map((o) => (
        <RadioCard key={o.value} value={o.value} aria-describedby={`theme-${o.value}-desc`}>
          <Preview theme={o.value} />
          <span className="mt-3 flex items-center justify-between gap-2">
            <span className="font-medium">{o.label}</span>
            {prefs.theme === o.value && (
              <span className="grid size-5 place-items-center rounded-full bg-primary text-primary-fg">
                <Check className="size-3.5" aria-hidden />
              </span>
            )}
          </span>
          <span id={`theme-${o.value}-desc`} className="text-sm text-fg-muted">
            {o.value === 'system' ? `${o.description} (now ${systemNow})` : o.description}
          </span>
        </RadioCard>
      ))}
    </RadioGroup>
  );
}
