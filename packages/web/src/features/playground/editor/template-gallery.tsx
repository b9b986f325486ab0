import { ChevronDown, LayoutTemplate } from 'lucide-react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuTrigger } from '../../../components/ui/dropdown-menu';
import type { PromptTemplate } from '../templates';

export interface TemplateGalleryProps {
  templates: readonly PromptTemplate[];
  /** Called with the chosen template; the menu closes by itself. */
  onPick: (template: PromptTemplate) => void;
  disabled?: boolean;
  className?: string;
}

/**
 * The "Templates" button: a menu of starting prompts, each with what it is for. Arrow keys move,
 * typing a name jumps to it, Enter picks, Escape closes (Radix menu behaviour).
 */
export function TemplateGallery({ templates, onPick, disabled, className }: TemplateGalleryProps) {
  return (
    <DropdownMenu modal={false}>
      <DropdownMenuTrigger asChild>
        <Button variant="secondary" disabled={disabled} className={className}>
          <LayoutTemplate aria-hidden /> Templates <ChevronDown className="size-4" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent
        align="start"
        className="max-h-[min(32rem,var(--radix-dropdown-menu-content-available-height))] w-[min(26rem,calc(100vw-2rem))] overflow-y-auto"
      >
        <DropdownMenuLabel>Start from a template</DropdownMenuLabel>
        {templates.map((t) => (
          <DropdownMenuItem key={t.id} textValue={t.name} onSelect={() => onPick(t)} className="items-start py-2.5">
            <span className="flex min-w-0 flex-1 flex-col gap-0.5">
              <span className="flex items-center gap-2 font-medium">
                {t.name}
                <Badge>{t.mode === 'chat' ? 'Chat' : 'Text'}</Badge>
              </span>
              <span className="text-xs text-fg-muted">{t.description}</span>
            </span>
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
