import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { Switch } from '../../../components/ui/switch';
import { usePreferences } from '../../../lib/preferences';
import { SettingRow } from './setting-row';
import { ThemePicker } from './theme-picker';

export function PreferencesSection() {
  const { prefs, update } = usePreferences();
  return (
    <Card id="preferences" aria-labelledby="preferences-title" className="scroll-mt-24">
      <CardHeader>
        <div>
          <CardTitle id="preferences-title">Preferences</CardTitle>
          <CardDescription>Saved in this browser only.</CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col divide-y divide-line">
        <div className="pb-6">
          <h3 id="theme-title" className="mb-1 font-medium">
            Theme
          </h3>
          <p className="mb-4 text-sm text-fg-muted">Changes at once. Use the arrow keys to move between themes.</p>
          <ThemePicker labelledBy="theme-title" />
        </div>
        <div className="pt-6">
          <SettingRow
            title="Notify me when a job finishes"
            titleId="notify-title"
            description="Shows a short message in the corner when any job succeeds, fails or stops, wherever you are in the app."
          >
            <Switch aria-labelledby="notify-title" checked={prefs.notifyJobs} onCheckedChange={(notifyJobs) => update({ notifyJobs })} />
          </SettingRow>
        </div>
      </CardContent>
    </Card>
  );
}
