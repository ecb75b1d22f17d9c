// `npm run admin -- <command>`: the instance's administration from the command line, for when no
// admin can sign in (docs/operations.md). Uses DATABASE_URL, or the embedded database: the running
// server's, or one started for the command when the server is stopped.
import './quiet-logs.ts';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RegistrationMode } from '../../lib/schemas.ts';
import { closeDb, getDb } from '../db/client.ts';
import { runningEmbeddedUrl, startEmbeddedPostgres } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { env, publishResolvedEnv } from '../env.ts';
import { logger } from '../logger.ts';
import { closeBus } from '../realtime/index.ts';
import { createResetLink } from '../auth/password-reset.ts';
import { inviteUrl } from './router.ts';
import { createInvite, deleteUser, instanceFigures, listUsers, setAdmin, setDisabled, setRegistration } from './service.ts';

const USAGE = `Usage: npm run admin -- <command>

  status                               registration mode, accounts, messages, live instances
  registration open|invite|closed      who may create an account
  invite [--uses N | --unlimited] [--hours H | --forever]
                                       a new invite link (default: one account, within 7 days)
  users [text]                         accounts (by username), optionally matching the text
  disable <username>                   no sign-in; every session of the account ends
  enable <username>
  make-admin <username>
  remove-admin <username>              (the last admin stays one)
  reset-link <username>                a one-time link to choose a new password (24 hours)
  delete <username>                    erase the account (what it said stays, as "Deleted account")
`;

class UsageError extends Error {}

async function userIdOf(username: string | undefined): Promise<string> {
  if (!username) throw new UsageError('Name the account: its username');
  const user = await getDb().user.findUnique({ where: { username: username.toLowerCase() }, select: { id: true } });
  if (!user) throw new Error(`No account named ${username}`);
  return user.id;
}

async function run(command: string | undefined, args: string[]): Promise<string> {
  switch (command) {
    case 'status': {
      const f = await instanceFigures();
      const instances = f.instances.map((i) => `  ${i.host} (${i.id.slice(0, 8)}): ${i.connections} live connections, up since ${i.startedAt.toISOString()}`);
      return [`registration: ${f.registration}`, `accounts: ${f.users} (${f.disabledUsers} disabled)`, `messages: ${f.messages}`, `live instances: ${f.instances.length}`, ...instances].join('\n');
    }
    case 'registration': {
      const mode = args[0];
      if (mode !== 'open' && mode !== 'invite' && mode !== 'closed') throw new UsageError('Registration is open, invite or closed');
      await setRegistration(mode as RegistrationMode);
      return `registration: ${mode}`;
    }
    case 'invite': {
      const { values } = parseArgs({ args, options: { uses: { type: 'string' }, unlimited: { type: 'boolean' }, hours: { type: 'string' }, forever: { type: 'boolean' } } });
      const count = (v: string | undefined, fallback: number, max: number) => {
        if (v === undefined) return fallback;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`Give a whole number from 1 to ${max}`);
        return n;
      };
      const maxUses = values.unlimited ? null : count(values.uses, 1, 1000);
      const expiresInHours = values.forever ? null : count(values.hours, 24 * 7, 24 * 365);
      const { code, invite } = await createInvite(null, { maxUses, expiresInHours });
      const limits = `${maxUses === null ? 'any number of accounts' : `${maxUses} account${maxUses === 1 ? '' : 's'}`}, ${invite.expiresAt ? `until ${invite.expiresAt.toISOString()}` : 'until revoked'}`;
      return `${inviteUrl(code)}\n(${limits})`;
    }
    case 'users': {
      const lines: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listUsers>> = await listUsers({ query: args[0], cursor, limit: 100 });
        for (const u of page.users) lines.push(`${u.username}\t${u.displayName}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
        cursor = page.nextCursor;
      } while (cursor);
      return lines.join('\n') || 'no accounts';
    }
    case 'disable':
    case 'enable':
      await setDisabled(null, await userIdOf(args[0]), command === 'disable');
      return `${args[0]}: ${command}d`;
    case 'make-admin':
    case 'remove-admin':
      await setAdmin(null, await userIdOf(args[0]), command === 'make-admin');
      return `${args[0]}: ${command === 'make-admin' ? 'admin' : 'no longer an admin'}`;
    case 'delete':
      await deleteUser(null, await userIdOf(args[0]));
      return `${args[0]}: deleted`;
    case 'reset-link': {
      const { url, expiresAt } = await createResetLink(null, await userIdOf(args[0]));
      return `${url}\n(works once, until ${expiresAt.toISOString()})`;
    }
    default:
      throw new UsageError(command ? `Unknown command: ${command}` : 'Give a command');
  }
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command === undefined || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const log = logger.child({ part: 'admin-cli' });
  const embedded = env.DATABASE_URL || runningEmbeddedUrl(env.dataDir) ? null : await startEmbeddedPostgres(env.dataDir, log);
  const url = env.DATABASE_URL || runningEmbeddedUrl(env.dataDir) || embedded!.url;
  try {
    await migrate(url, path.resolve('prisma/migrations'));
    publishResolvedEnv(url);
    console.log(await run(command, args));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    console.error((err as Error).message);
    return 1;
  } finally {
    await closeDb();
    await closeBus();
    await embedded?.stop();
  }
}

process.exitCode = await main();
