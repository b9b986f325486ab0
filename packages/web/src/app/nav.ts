import { Activity, ChartColumnBig, FlaskConical, LayoutDashboard, Settings, Sparkles, type LucideIcon } from 'lucide-react';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  shortcut: string;
  /** Match the path exactly (the dashboard at `/`). */
  end?: boolean;
  /** Listed at the bottom of the sidebar. */
  footer?: boolean;
  description: string;
}

/** The app's pages, in sidebar order. Pages arrive with their features: no placeholders here. */
export const navItems: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: LayoutDashboard, shortcut: 'g d', end: true, description: 'Overview, health and quick actions' },
  { to: '/fine-tune', label: 'Fine-tune', icon: Sparkles, shortcut: 'g f', description: 'Upload data, configure and launch a QLoRA or LoRA run' },
  {
    to: '/playground',
    label: 'Playground',
    icon: FlaskConical,
    shortcut: 'g p',
    description: 'Try prompts on models and adapters, compare outputs, keep sessions',
  },
  {
    to: '/evaluation',
    label: 'Evaluation',
    icon: ChartColumnBig,
    shortcut: 'g e',
    description: 'Benchmarks, scoring jobs and results: did fine-tuning help?',
  },
  { to: '/activity', label: 'Activity', icon: Activity, shortcut: 'g a', description: 'Jobs, live progress and logs' },
  { to: '/settings', label: 'Settings', icon: Settings, shortcut: 'g s', footer: true, description: 'Theme, accessibility and workspace' },
];
