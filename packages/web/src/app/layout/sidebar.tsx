import { PanelLeftClose, PanelLeftOpen } from 'lucide-react';
import { Link, useMatch } from 'react-router';
import { Shortcut } from '../../components/ui/kbd';
import { Tooltip } from '../../components/ui/tooltip';
import { cn } from '../../lib/cn';
import { navItems, type NavItem } from '../nav';
import { BrandMark } from './brand';

function NavEntry({ item, collapsed, onNavigate }: { item: NavItem; collapsed: boolean; onNavigate?: () => void }) {
  const Icon = item.icon;
  // A string className (not NavLink's function form) so the tooltip's Slot can merge props.
  const isActive = useMatch({ path: item.to, end: item.end ?? false }) !== null;
  const link = (
    <Link
      to={item.to}
      onClick={onNavigate}
      aria-current={isActive ? 'page' : undefined}
      className={cn(
        'group relative flex min-h-11 items-center gap-3 rounded-lg px-3 text-[0.9375rem] font-medium transition-colors',
        collapsed && 'min-h-14 flex-col justify-center gap-0.5 px-1 text-[0.6875rem] leading-4',
        isActive ? 'bg-primary-soft text-primary-text hc:bg-primary hc:text-primary-fg' : 'text-fg-muted hover:bg-surface-muted hover:text-fg',
      )}
    >
      {isActive && <span aria-hidden className={cn('absolute top-2 bottom-2 w-1 rounded-r-full bg-primary', collapsed ? '-left-1.5' : '-left-3')} />}
      <Icon className="size-5 shrink-0" aria-hidden />
      <span className={cn(collapsed && 'max-w-full truncate')}>{item.label}</span>
    </Link>
  );
  return (
    <li>
      <Tooltip
        side="right"
        content={
          <span className="flex items-center gap-2">
            {item.description} <Shortcut shortcut={item.shortcut} />
          </span>
        }
      >
        {link}
      </Tooltip>
    </li>
  );
}

export interface SidebarNavProps {
  collapsed: boolean;
  /** Shown on desktop: fold the sidebar to icons or unfold it. */
  onToggleCollapsed?: () => void;
  onNavigate?: () => void;
}

/** Brand, main navigation and the settings link. Used as the sidebar and inside the phone drawer. */
export function SidebarNav({ collapsed, onToggleCollapsed, onNavigate }: SidebarNavProps) {
  const main = navItems.filter((i) => !i.footer);
  const footer = navItems.filter((i) => i.footer);
  return (
    <div className="flex h-full flex-col">
      <div className={cn('flex h-16 shrink-0 items-center gap-3 px-5', collapsed && 'justify-center px-0')}>
        <BrandMark />
        <span className={cn('text-[1.0625rem] font-semibold tracking-tight', collapsed && 'sr-only')}>QLoRA Studio</span>
      </div>
      <nav aria-label="Main" className={cn('flex flex-1 flex-col pt-4 pb-3', collapsed ? 'px-1.5' : 'px-3')}>
        <ul className="flex flex-col gap-1">
          {main.map((item) => (
            <NavEntry key={item.to} item={item} collapsed={collapsed} onNavigate={onNavigate} />
          ))}
        </ul>
        <ul className="mt-auto flex flex-col gap-1 border-t border-line pt-3">
          {footer.map((item) => (
            <NavEntry key={item.to} item={item} collapsed={collapsed} onNavigate={onNavigate} />
          ))}
          {onToggleCollapsed && (
            <li>
              <Tooltip
                content={
                  <span className="flex items-center gap-2">
                    {collapsed ? 'Show labels beside the icons' : 'Fold the sidebar to icons'} <Shortcut shortcut="[" />
                  </span>
                }
                side="right"
              >
                <button
                  type="button"
                  onClick={onToggleCollapsed}
                  aria-label={collapsed ? 'Expand sidebar' : 'Collapse sidebar'}
                  aria-expanded={!collapsed}
                  className={cn(
                    'flex min-h-11 w-full items-center gap-3 rounded-lg px-3 text-[0.9375rem] font-medium text-fg-muted hover:bg-surface-muted hover:text-fg',
                    collapsed && 'min-h-14 flex-col justify-center gap-0.5 px-1 text-[0.6875rem] leading-4',
                  )}
                >
                  {collapsed ? <PanelLeftOpen className="size-5" aria-hidden /> : <PanelLeftClose className="size-5" aria-hidden />}
                  <span>{collapsed ? 'Expand' : 'Collapse'}</span>
                </button>
              </Tooltip>
            </li>
          )}
        </ul>
      </nav>
    </div>
  );
}

/** The persistent sidebar (tablet and up): icons only below 1024px or when folded. */
export function Sidebar(props: SidebarNavProps) {
  return (
    <aside
      className={cn(
        'hidden shrink-0 border-r border-line bg-surface transition-[width] duration-200 ease-out md:block hc:border-line-strong',
        props.collapsed ? 'w-24' : 'w-64',
      )}
    >
      <div className="sticky top-0 h-dvh">
        <SidebarNav {...props} />
      </div>
    </aside>
  );
}
