import type { ReactNode } from 'react';

/** One setting: its name and explanation on the left, its control on the right (stacked on phones). */
export function SettingRow({ title, titleId, description, children }: { title: string; titleId: string; description: ReactNode; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-3 py-5 first:pt-0 last:pb-0 md:flex-row md:items-center md:justify-between md:gap-8">
      <div className="max-w-xl">
        <h3 id={titleId} className="font-medium">
          {title}
        </h3>
        <div className="text-sm text-fg-muted">{description}</div>
      </div>
      <div className="shrink-0">{children}</div>
    </div>
  );
}
