import { useEffect, useRef, useState } from 'react';

/** How long a counter takes to reach a new value. */
export const countUpMs = 800;

/** Ease-out cubic: quick at first, settling gently on the value. */
const easeOut = (t: number) => 1 - (1 - t) ** 3;

/** Whether a change from `from` to `to` is animated at all: never under reduced motion. */
export function shouldCountUp(from: number, to: number, reducedMotion: boolean): boolean {
  return !reducedMotion && from !== to && Number.isFinite(from) && Number.isFinite(to);
}

/** The value shown `elapsed` ms into a count from `from` to `to` (exactly `to` once done). */
export function countUpValue(from: number, to: number, elapsed: number, duration = countUpMs): number {
  if (elapsed >= duration || duration <= 0) return to;
  const value = from + (to - from) * easeOut(Math.max(0, elapsed) / duration);
  // Whole numbers count in whole steps; the last step lands on the target.
  return Number.isInteger(from) && Number.isInteger(to) ? Math.round(value) : value;
}

/**
 * A number that counts up (or down) to `target` whenever it changes, starting from 0 on first
 * show. With reduced motion (the app's preference or the system's) it shows `target` at once.
 */
export function useCountUp(target: number, reducedMotion: boolean): number {
  const [shown, setShown] = useState(() => (reducedMotion ? target : 0));
  const shownRef = useRef(shown);
  shownRef.current = shown;

  useEffect(() => {
    const from = shownRef.current;
    if (!shouldCountUp(from, target, reducedMotion)) {
      setShown(target);
      return;
    }
    let frame = 0;
    const start = performance.now();
    const tick = (time: number) => {
      const value = countUpValue(from, target, time - start);
      setShown(value);
      if (value !== target) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [target, reducedMotion]);

  return shown;
}
