import { useEffect, type ReactNode } from 'react';

export interface PageHeaderProps {
  title: string;
  description?: ReactNode;
  /** Buttons at the right (below the title on phones). */
  actions?: ReactNode;
  /** Small line above the title, e.g. a back link. */
  eyebrow?: ReactNode;
  /** Document title, when it should differ from `title`. */
  documentTitle?: string;
}

/** The page's h1, description and main actions; also sets the document title. */
export function PageHeader({ title, description, actions, eyebrow, documentTitle }: PageHeaderProps) {
  useEffect(() => {
    document.title = `${documentTitle ?? title} · QLoRA Studio`;
  }, [title, documentTitle]);
  return (
    <header className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        {eyebrow && <div className="mb-2">{eyebrow}</div>}
        <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere text-fg sm:text-[1.75rem] sm:leading-9">{title}</h1>
        {description && <p className="mt-1 max-w-2xl text-fg-muted">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-3">{actions}</div>}
    </header>
  );
}
