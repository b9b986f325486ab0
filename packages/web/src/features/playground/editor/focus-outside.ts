/** Elements the Tab key can reach, before filtering out hidden and disabled ones. */
const tabbableSelector = [
  'a[href]',
  'area[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'iframe',
  'summary',
  '[contenteditable]:not([contenteditable="false"])',
  '[tabindex]',
].join(',');

function isTabbable(el: HTMLElement): boolean {
  if (el.tabIndex < 0 || el.closest('[inert], [aria-hidden="true"]')) return false;
  return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
}

/**
 * Moves focus to the first tabbable element after `container` (or the last one before it), as
 * Tab / Shift+Tab would if the editor did not keep Tab for indenting. Stays inside an open dialog
 * the editor sits in. With nothing there, focus leaves the editor for the page itself.
 */
export function focusOutside(container: HTMLElement, direction: 'next' | 'previous'): void {
  const scope: ParentNode = container.closest('[role="dialog"], [role="alertdialog"]') ?? document;
  const candidates = [...scope.querySelectorAll<HTMLElement>(tabbableSelector)].filter((el) => !container.contains(el) && isTabbable(el));
  const target =
    direction === 'next'
      ? candidates.find((el) => container.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
      : candidates.findLast((el) => container.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
  if (target) target.focus();
  else (document.activeElement as HTMLElement | null)?.blur();
}
