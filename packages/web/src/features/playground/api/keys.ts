/** Query keys of the Playground. Mutations invalidate by these. */
export const playgroundKeys = {
  all: ['playground'] as const,
  catalogue: () => [...playgroundKeys.all, 'catalogue'] as const,
  sessions: () => [...playgroundKeys.all, 'sessions'] as const,
  sessionLists: () => [...playgroundKeys.sessions(), 'list'] as const,
  sessionList: (q: string) => [...playgroundKeys.sessionLists(), q] as const,
  session: (id: string) => [...playgroundKeys.sessions(), 'detail', id] as const,
  run: (id: string) => [...playgroundKeys.all, 'run', id] as const,
};
