import { PageHeader } from '../../../components/ui/page-header';
import { AccessibilitySection } from './accessibility-section';
import { ConnectionSection } from './connection-section';
import { JudgeConnectionSection } from './judge-connection-section';
import { PreferencesSection } from './preferences-section';
import { WorkspaceSection } from './workspace-section';

const sections = [
  { id: 'preferences', label: 'Preferences' },
  { id: 'accessibility', label: 'Accessibility' },
  { id: 'workspace', label: 'Workspace' },
  { id: 'connection', label: 'Connection' },
  { id: 'connections', label: 'Connections' },
];

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="How QLoRA Studio looks and behaves for you, and how this workspace runs jobs." />
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[12rem_minmax(0,1fr)]">
        <nav aria-label="Settings sections" className="min-w-0 lg:sticky lg:top-24">
          <ul className="relative flex gap-1 overflow-x-auto lg:flex-col">
            {sections.map((s) => (
              <li key={s.id}>
                <a
                  href={`#${s.id}`}
                  className="flex min-h-11 items-center rounded-lg px-3 text-sm font-medium whitespace-nowrap text-fg-muted hover:bg-surface-muted hover:text-fg"
                >
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="flex min-w-0 flex-col gap-6">
          <PreferencesSection />
          <AccessibilitySection />
          <WorkspaceSection />
          <ConnectionSection />
          <JudgeConnectionSection />
        </div>
      </div>
    </>
  );
}
