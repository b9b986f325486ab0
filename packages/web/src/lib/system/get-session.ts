import type { Permission } from '@qlora-studio/contracts';
import { roleLabels } from '@qlora-studio/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../api-client';
import { useToken } from '../auth-token';
import { sessionKeys } from '../query-keys';

export const getSession = (signal?: AbortSignal) => api.call('getSession', {}, { signal });

/** Who the server thinks we are. Keyed by token so a new token refetches at once. */
export const sessionQueryOptions = (token: string | null) =>
  queryOptions({
    queryKey: sessionKeys.of(token),
    queryFn: ({ signal }) => getSession(signal),
    staleTime: 60_000,
  });

export function useSession() {
  return useQuery(sessionQueryOptions(useToken()));
}

export interface PermissionCheck {
  allowed: boolean;
  /** Why not, in words for a tooltip or note; null when allowed. */
  reason: string | null;
}

const actionNames: Partial<Record<Permission, string>> = {
  'jobs:launch': 'launch jobs',
  'jobs:cancel': 'cancel jobs',
  'jobs:delete': 'delete jobs',
  'settings:write': 'change workspace settings',
};

/** Whether the caller may do something, and if not, why. */
export function usePermission(permission: Permission): PermissionCheck {
  const { data, isPending, isError } = useSession();
  if (isPending) return { allowed: false, reason: 'Checking your permissions…' };
  if (isError || !data) return { allowed: false, reason: 'Your permissions could not be checked because the server is unreachable.' };
  if (data.permissions.includes(permission)) return { allowed: true, reason: null };
  const action = actionNames[permission] ?? 'do this';
  return {
    allowed: false,
    reason: `As a ${roleLabels[data.role]} you can’t ${action}. Ask an ${roleLabels.practitioner} of this workspace.`,
  };
}
