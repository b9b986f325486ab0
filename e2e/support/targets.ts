import type { Page } from 'playwright-core';

/**
 * Controls on the page whose hit area is under 44px tall (spec §5, motor accessibility), as
 * "what: height" lines. The hit area is the control's box, a taller absolute `::after` on it (our
 * `tap-target`), or the `<label>` around a checkbox. Links inside running text are exempt (WCAG
 * 2.5.5/2.5.8), as is Monaco's own hidden input.
 */
export function smallControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, a[href], [role="radio"], [role="switch"], [role="tab"], [role="combobox"], input, select, textarea')]
      .filter((el) => el.getClientRects().length > 0 && !el.closest('.sr-only, .monaco-editor') && getComputedStyle(el).display !== 'inline')
      .map((el) => {
        const box = el.closest('label') ?? el;
        // The layout height: Sonner scales the toasts stacked behind the newest, until they are hovered or focused.
        const height = box.offsetHeight;
        const after = getComputedStyle(box, '::after');
        const hit = after.content !== 'none' && after.position === 'absolute' ? Math.max(height, parseFloat(after.height) || 0) : height;
        return { what: `${el.tagName.toLowerCase()} "${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40)}"`, hit: Math.round(hit) };
      })
      .filter((e) => e.hit < 44)
      .map((e) => `${e.what}: ${e.hit}px`),
  );
}

/** How far the page scrolls sideways at its current width (0 when it fits). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
