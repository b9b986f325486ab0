import { parseArgs } from 'node:util';
import { roleSchema } from '@qlora-studio/contracts';
import { databasePath } from '../app.js';
import { defaultHome } from '../config.js';
import { openDatabase } from '../store/database.js';
import { createToken, listTokens, revokeToken } from '../store/tokens-repo.js';
import { UserError } from './serve.js';

function withHome(home: string | undefined) {
  return openDatabase(databasePath(home ?? defaultHome()));
}

/** `qlora token create|list|revoke`. */
export function tokenCommand(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, home: { type: 'string' } },
  });
  const [action, id] = positionals;
  const db = withHome(values.home);
  try {
    if (action === 'create') {
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new UserError('Give the token a role: --role member or --role practitioner.');
      const { token, record } = createToken(db, role.data, values.name ?? `${role.data} token`);
      console.log(`Created ${record.role} token ${record.id} ("${record.name}"). It is shown only this once:\n\n  ${token}\n`);
      console.log('Send it as "Authorization: Bearer <token>".');
    } else if (action === 'list') {
      const tokens = listTokens(db);
      if (tokens.length === 0) console.log('No access tokens.');
      for (const t of tokens) console.log(`${t.id}  ${t.role.padEnd(12)}  ${t.name}  created ${t.createdAt}  last used ${t.lastUsedAt ?? 'never'}`);
    } else if (action === 'revoke') {
      if (!id) throw new UserError('Name the token to revoke: qlora token revoke ID (see qlora token list).');
      if (!revokeToken(db, id)) throw new UserError(`No live token with id "${id}".`);
      console.log(`Revoked ${id}.`);
    } else {
      throw new UserError('Use: qlora token create | list | revoke.');
    }
  } finally {
    db.close();
  }
}
