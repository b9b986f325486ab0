/**
 * Follow-the-tail state. While following, new lines scroll into view; scrolling up pauses, and
 * the lines that arrive meanwhile are counted until the reader scrolls back to the bottom or
 * resumes.
 */
export interface FollowState {
  following: boolean;
  /** Rows there were when following paused. */
  seen: number;
  /** Rows there are now. */
  total: number;
  /** Last scroll position, to tell scrolling up from scrolling down. */
  scrollTop: number;
}

export type FollowAction = { type: 'scroll'; scrollTop: number; atBottom: boolean } | { type: 'rows'; total: number } | { type: 'pause' } | { type: 'resume' };

export const initialFollow: FollowState = { following: true, seen: 0, total: 0, scrollTop: 0 };

/** How close to the bottom (px) still counts as at the bottom. */
export const bottomSlack = 24;

export function isAtBottom(el: { scrollTop: number; scrollHeight: number; clientHeight: number }): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight <= bottomSlack;
}

export function followReducer(state: FollowState, action: FollowAction): FollowState {
  switch (action.type) {
    case 'rows':
      return action.total === state.total
        ? state
        : { ...state, total: action.total, seen: state.following ? action.total : Math.min(state.seen, action.total) };
    case 'pause':
      return state.following ? { ...state, following: false, seen: state.total } : state;
    case 'resume':
      return state.following ? state : { ...state, following: true, seen: state.total };
    case 'scroll': {
      const movedUp = action.scrollTop < state.scrollTop;
      const next = { ...state, scrollTop: action.scrollTop };
      // At the bottom, following goes on (the list may shrink under it as rows are measured), and
      // reaching it resumes; but a paused reader's first small step up (a wheel tick still within
      // the slack) is leaving the tail, not coming back to it.
      if (action.atBottom && (state.following || !movedUp)) return { ...next, following: true, seen: state.total };
      // Only the reader scrolls up: following itself only ever scrolls down.
      if (movedUp && state.following) return { ...next, following: false, seen: state.total };
      return next;
    }
  }
}

/** Lines that arrived while paused. */
export function unseenLines(state: FollowState): number {
  return state.following ? 0 : Math.max(0, state.total - state.seen);
}

/** Announcements are at most this often, so a chatty job does not flood a screen reader. */
export const announceEveryMs = 5000;

/** What to announce for the lines that arrived since the last announcement, or null for nothing. */
export function newLinesAnnouncement(added: readonly { level: string }[]): string | null {
  if (!added.length) return null;
  const errors = added.filter((l) => l.level === 'error').length;
  const text = `${added.length.toLocaleString('en-US')} new ${added.length === 1 ? 'line' : 'lines'}`;
  return errors ? `${text}, ${errors} ${errors === 1 ? 'error' : 'errors'}` : text;
}
