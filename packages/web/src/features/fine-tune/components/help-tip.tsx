import { HelpCircle } from 'lucide-react';
import { Tooltip } from '../../../components/ui/tooltip';
import { helpText, settingsHelp, type SettingHelp, type SettingKey } from '../settings-help';

/** The ⓘ next to a setting: its help on hover, focus or tap. */
export function HelpTip({ setting }: { setting: SettingKey }) {
  const h: SettingHelp = settingsHelp[setting];
  return (
    <Tooltip
      content={
        <span className="flex flex-col gap-1">
          <span>{h.what}</span>
          <span>Typical: {h.typical}</span>
          {h.tooHigh && <span>Too high: {h.tooHigh}</span>}
          {h.tooLow && <span>Too low: {h.tooLow}</span>}
        </span>
      }
    >
      <button
        type="button"
        aria-label={`Help: ${h.label}. ${helpText(setting)}`}
        className="-my-3 inline-flex size-11 items-center justify-center rounded-lg text-fg-muted hover:bg-surface-muted hover:text-fg"
      >
        <HelpCircle className="size-4" aria-hidden />
      </button>
    </Tooltip>
  );
}
