import { z } from 'zod';

/** Spec §2.1: the ML Practitioner has full access; a Team Member views, and runs inference. */
export const roles = ['practitioner', 'member'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const roleLabels: Record<Role, string> = {
  practitioner: 'ML Practitioner',
  member: 'Team Member',
};

/** Every permission a route can require. */
export const permissions = [
  'system:read',
  'jobs:read',
  'jobs:launch',
  'jobs:cancel',
  'jobs:delete',
  'settings:read',
  'settings:write',
  'tokens:manage',
  'datasets:read',
  'datasets:write',
  'models:read',
  'models:write',
  'inference:run',
] as const;
export const permissionSchema = z.enum(permissions);
export type Permission = z.infer<typeof permissionSchema>;

const memberPermissions: readonly Permission[] = ['system:read', 'jobs:read', 'settings:read', 'datasets:read', 'models:read', 'inference:run'];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  practitioner: permissions,
  member: memberPermissions,
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}

/** Who the server thinks is calling, and how it decided. */
export const sessionSchema = z
  .object({
    role: roleSchema,
    permissions: z.array(permissionSchema),
    via: z.enum(['loopback', 'token']),
    tokenName: z.string().nullable(),
    /** The token's id: who owns what this caller creates (null: this machine). */
    tokenId: z.string().nullable(),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof sessionSchema>;

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'AccessToken' });
export type AccessToken = z.infer<typeof tokenSchema>;
