import { useState } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { Switch } from '../../../components/ui/switch';
import { notificationAccess, notificationBlockedReason, type NotificationAccess } from '../../../lib/job-notifications';
import { usePreferences } from '../../../lib/preferences';
import { SettingRow } from './setting-row';
import { ThemePicker } from './theme-picker';

/** Opt-in system notifications: asks the browser's permission when turned on, explains a refusal. */
function BrowserNotificationsRow() {
  const { prefs, update } = usePreferences();
  const [access, setAccess] = useState<NotificationAccess>(notificationAccess);
  const [asking, setAsking] = useState(false);
  const blocked = notificationBlockedReason(access);
  const on = prefs.browserNotifyJobs && access === 'granted';

  const change = async (checked: boolean) => {
    if (!checked) return update({ browserNotifyJobs: false });
    if (access === 'unsupported') return;
    setAsking(true);
    try {
      const answer = access === 'granted' ? 'granted' : await Notification.requestPermission();
      setAccess(answer);
      update({ browserNotifyJobs: answer === 'granted' });
    } finally {
      setAsking(false);
    }
  };

  return (
    <SettingRow
      title="Browser notifications when a job finishes"
      titleId="browser-notify-title"
      description={
        <>
          <p>
            A system notification when a job succeeds, fails or stops while this tab is in the background. Clicking it opens the job. Off until you turn it on;
            the browser asks for permission first.
          </p>
          <p role="status" className={blocked || (prefs.browserNotifyJobs && !on) ? 'mt-1 font-medium text-warning-text' : 'sr-only'}>
            {blocked ?? (prefs.browserNotifyJobs && !on ? 'Permission was not given, so notifications stay off.' : on ? 'Notifications are on.' : '')}
          </p>
        </>
      }
    >
      <Switch
        aria-labelledby="browser-notify-title"
        checked={on}
        disabled={asking || access === 'unsupported'}
        onCheckedChange={(checked) => void change(checked)}
      />
    </SettingRow>
  );
}

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
          <BrowserNotificationsRow />
        </div>
      </CardContent>
    </Card>
  );
}
