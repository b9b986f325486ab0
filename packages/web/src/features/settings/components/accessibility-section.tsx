import { ShortcutList } from '../../../components/shortcut-list';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Switch } from '../../../components/ui/switch';
import { fontSizes, usePreferences, type FontSize, type MotionPreference } from '../../../lib/preferences';
import { SettingRow } from './setting-row';

const fontLabels: Record<FontSize, { label: string; size: string }> = {
  small: { label: 'Small', size: 'text-sm' },
  default: { label: 'Default', size: 'text-base' },
  large: { label: 'Large', size: 'text-lg' },
  'x-large': { label: 'Larger', size: 'text-xl' },
};

export function AccessibilitySection() {
  const { prefs, system, update, theme } = usePreferences();
  return (
    <Card id="accessibility" aria-labelledby="accessibility-title" className="scroll-mt-24">
      <CardHeader>
        <div>
          <CardTitle id="accessibility-title">Accessibility</CardTitle>
          <CardDescription>Motion, contrast, text size and keyboard shortcuts.</CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col divide-y divide-line">
        <SettingRow
          title="Reduce motion"
          titleId="motion-title"
          description={<>Stops animations and transitions. Your device currently {system.reducedMotion ? 'asks for' : 'does not ask for'} reduced motion.</>}
        >
          <Segmented aria-labelledby="motion-title" value={prefs.motion} onValueChange={(v) => update({ motion: v as MotionPreference })}>
            <SegmentedItem value="system">Follow system</SegmentedItem>
            <SegmentedItem value="reduce">Reduce</SegmentedItem>
            <SegmentedItem value="full">Allow</SegmentedItem>
          </Segmented>
        </SettingRow>
        <SettingRow
          title="High contrast"
          titleId="contrast-title"
          description="White text on black with strong outlines and yellow accents. Turning it off returns to following your system."
        >
          <Switch
            aria-labelledby="contrast-title"
            checked={theme === 'high-contrast'}
            onCheckedChange={(on) => update({ theme: on ? 'high-contrast' : 'system' })}
          />
        </SettingRow>
        <SettingRow title="Text size" titleId="font-title" description="Scales all text and spacing in the app.">
          <Segmented aria-labelledby="font-title" value={prefs.fontSize} onValueChange={(v) => update({ fontSize: v as FontSize })}>
            {fontSizes.map((size) => (
              <SegmentedItem key={size} value={size}>
                <span className={`font-semibold ${fontLabels[size].size}`} aria-hidden>
                  Aa
                </span>
                {fontLabels[size].label}
              </SegmentedItem>
            ))}
          </Segmented>
        </SettingRow>
        <div className="pt-5">
          <h3 className="font-medium">Keyboard shortcuts</h3>
          <p className="mb-4 text-sm text-fg-muted">
            Everything works with the keyboard: Tab moves between controls, Enter or Space activates them. These shortcuts save steps.
          </p>
          <ShortcutList headingLevel={4} />
        </div>
      </CardContent>
    </Card>
  );
}
