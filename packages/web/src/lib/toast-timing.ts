/**
 * How long a toast that offers an action (Undo, View, Start over) stays on screen: long enough to
 * read it and reach its button from the keyboard (WCAG 2.2.1), where Sonner's default is 4 s.
 * Hovering or focusing the toasts pauses the clock.
 */
export const actionToastMs = 10_000;
