// Server-side sessions: every signed-in browser and every personal access token is a row of
// `sessions`, and deleting the row ends it. A browser's cookie (a next-auth JWT) carries its session
// id; a token carries its id and a secret whose SHA-256 is stored. Each instance trusts a session it
// checked for SESSION_RECHECK_MS, so an ended session is refused by every instance within that, with
// or without Redis; its live connections (WebSockets, event streams) are closed within the same time
// by a sweep over the instance's connections (at once on the instance that ended it).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SessionInfo, UserId } from '../../lib/schemas.ts';
import { getDb, getPool } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';

const log = logger.child({ part: 'sessions' });

/** A browser session unused for this long has ended (as its cookie has). */
export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;
/** How long an instance trusts a session it checked: the most an ended one may still be honoured. */
export const SESSION_RECHECK_MS = 5_000;
/** last_used_at moves at most this often (a write per session per minute, not per request). */
const TOUCH_MS = 60_000;
/** Personal access tokens per user. */
export const MAX_TOKENS = 20;
const TOKEN_PREFIX = 'parley_pat_';

export type SessionKind = SessionInfo['kind'];

/** Who is calling, and through which session. */
export interface Caller {
  userId: UserId;
  sessionId: string;
}


// The process's state, shared by every copy of this module (Next's bundle runs the logout route, the
// API server the calls and sockets): one logout here then takes effect here at once.
const KEY = Symbol.for('parley.sessions');
type State = {
  /** What this instance checked lately, by session id (browsers) or by the token's hash (tokens, so a guess at a token id never hits an entry made by the real token). */
  checked: Map<string, { caller: Caller; at: number }>;
  /** Per session, how to close each of its live connections on this instance. */
  connections: Map<string, Set<() => void>>;
};
const state = ((globalThis as { [KEY]?: State })[KEY] ??= { checked: new Map(), connections: new Map() });
const { checked, connections } = state;
const MAX_CHECKED = 100_000;

function remember(key: string, caller: Caller): void {
  if (checked.size >= MAX_CHECKED) checked.clear();
  checked.set(key, { caller, at: Date.now() });
}

function forget(sessionId: string): void {
  for (const [key, entry] of checked) if (entry.caller.sessionId === sessionId) checked.delete(key);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

interface SessionRow {
  user_id: string;
  kind: string;
  secret_hash: Buffer | null;
  created_at: Date;
  last_used_at: Date;
}

/** The row of a session that has not ended, moving last_used_at when it is a minute old. */
async function liveSession(sessionId: string): Promise<SessionRow | null> {
  const { rows } = await getPool().query<SessionRow>({
    name: 'session',
    text: 'SELECT user_id, kind, secret_hash, created_at, last_used_at FROM sessions WHERE id = $1::uuid',
    values: [sessionId],
  });
  const row = rows[0];
  if (!row) return null;
  const age = Date.now() - row.last_used_at.getTime();
  if (row.kind === 'browser' && age > SESSION_MAX_AGE_S * 1000) return null;
  // A token's first use shows at once ("never used" is last_used_at = created_at).
  if (age > TOUCH_MS || (row.kind === 'token' && row.last_used_at.getTime() === row.created_at.getTime())) {
    void getPool()
      .query('UPDATE sessions SET last_used_at = now() WHERE id = $1::uuid', [sessionId])
      .catch((err: unknown) => log.warn({ err }, 'could not note a session as used'));
  }
  return row;
}

/** Starts a session for a user who just proved who they are; returns its id. */
/** A session row as the API shows it. */
const infoOf = (r: { id: string; kind: string; name: string; createdAt: Date; lastUsedAt: Date }, currentId: string | null): SessionInfo => ({
  id: r.id,
  kind: r.kind === 'token' ? 'token' : 'browser',
  name: r.name,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  current: r.id === currentId,
});

/** Starts a session for a user who just proved who they are. */
export async function startSession(userId: UserId, kind: SessionKind, name: string, secretHash?: Buffer): Promise<SessionInfo> {
  const now = new Date();
  const row = await getDb().session.create({
    data: { id: randomUUID(), userId, kind, name: name.slice(0, 100) || 'Unknown device', secretHash: secretHash ? new Uint8Array(secretHash) : null, createdAt: now, lastUsedAt: now },
  });
  return infoOf(row, null);
}

/** The caller of a browser session (from a verified cookie), or null when it has ended. */
export async function browserCaller(userId: UserId, sessionId: string): Promise<Caller | null> {
  const hit = checked.get(sessionId);
  if (hit && Date.now() - hit.at < SESSION_RECHECK_MS && hit.caller.userId === userId) return hit.caller;
  const row = await liveSession(sessionId);
  if (!row || row.user_id !== userId || row.kind !== 'browser') return null;
  const caller = { userId, sessionId };
  remember(sessionId, caller);
  return caller;
}

export const isAccessToken = (raw: string) => raw.startsWith(TOKEN_PREFIX);

/** The caller of a personal access token, or null when it is malformed, wrong or revoked. */
export async function tokenCaller(raw: string): Promise<Caller | null> {
  const match = new RegExp(`^${TOKEN_PREFIX}([0-9a-f]{32})_([\\w-]{43})$`).exec(raw);
  if (!match) return null;
  const key = sha256(raw).toString('base64url');
  const hit = checked.get(key);
  if (hit && Date.now() - hit.at < SESSION_RECHECK_MS) return hit.caller;
  const hex = match[1];
  const sessionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const row = await liveSession(sessionId);
  if (!row?.secret_hash || row.kind !== 'token' || !timingSafeEqual(row.secret_hash, sha256(match[2]))) return null;
  const caller = { userId: row.user_id, sessionId };
  remember(key, caller);
  return caller;
}

/**
 * A new personal access token: its whole text is returned this once and never stored (only the
 * SHA-256 of its secret part is).
 */
export async function createAccessToken(userId: UserId, name: string): Promise<{ token: string; session: SessionInfo }> {
  const count = await getDb().session.count({ where: { userId, kind: 'token' } });
  if (count >= MAX_TOKENS) throw new AppError('BAD_REQUEST', `You have ${MAX_TOKENS} tokens already. Revoke one you no longer use first.`, 'name');
  const secret = randomBytes(32).toString('base64url');
  const session = await startSession(userId, 'token', name, sha256(secret));
  return { token: `${TOKEN_PREFIX}${session.id.replaceAll('-', '')}_${secret}`, session };
}

/** The user's signed-in browsers and tokens, most recently used first. */
export async function listSessions(userId: UserId, currentId: string | null): Promise<SessionInfo[]> {
  const rows = await getDb().session.findMany({
    where: { userId, OR: [{ kind: 'token' }, { lastUsedAt: { gt: new Date(Date.now() - SESSION_MAX_AGE_S * 1000) } }] },
    orderBy: [{ lastUsedAt: 'desc' }, { id: 'asc' }],
  });
  return rows.map((r) => infoOf(r, currentId));
}

/** Registers a live connection of a session until the returned function is called. */
export function trackSessionConnection(sessionId: string, close: () => void): () => void {
  let mine = connections.get(sessionId);
  if (!mine) connections.set(sessionId, (mine = new Set()));
  mine.add(close);
  return () => {
    mine.delete(close);
    if (mine.size === 0 && connections.get(sessionId) === mine) connections.delete(sessionId);
  };
}

function closeConnections(sessionIds: Iterable<string>): number {
  let closed = 0;
  for (const id of sessionIds) {
    forget(id);
    for (const close of connections.get(id) ?? []) {
      close();
      closed++;
    }
    connections.delete(id);
  }
  return closed;
}

/**
 * Ends sessions of the user: `only` one of them, or every one but `except` (and of one kind, when
 * given). Their cookies and tokens are refused from now on, here at once and on other instances
 * within SESSION_RECHECK_MS; their live connections here close now. Returns how many ended.
 */
export async function endSessions(userId: UserId, which: { only: string } | { except: string | null; kind?: SessionKind }): Promise<number> {
  const [only, except, kind] = 'only' in which ? [which.only, null, null] : [null, which.except, which.kind ?? null];
  // One statement: what it deleted is what ended (no read that a concurrent login could slip past).
  const { rows } = await getPool().query<{ id: string }>(
    `DELETE FROM sessions WHERE user_id = $1::uuid AND ($2::uuid IS NULL OR id = $2::uuid) AND ($3::uuid IS NULL OR id <> $3::uuid)
       AND ($4::text IS NULL OR kind = $4::text) RETURNING id`,
    [userId, only, except, kind],
  );
  closeConnections(rows.map((r) => r.id));
  return rows.length;
}

/** Ends one of the caller's sessions; NOT_FOUND when there is no such session of theirs. */
export async function endSession(userId: UserId, sessionId: string): Promise<void> {
  if ((await endSessions(userId, { only: sessionId })) === 0) throw new AppError('NOT_FOUND', 'No such session (it may have ended already)');
}

/**
 * Closes, every SESSION_RECHECK_MS, the live connections of this instance whose session ended on
 * another instance (one query for all of them). Returns the function that stops it.
 */
export function startSessionSweep(): () => void {
  const timer = setInterval(() => {
    const ids = [...connections.keys()];
    if (ids.length === 0) return;
    getPool()
      .query<{ id: string }>('SELECT id FROM sessions WHERE id = ANY($1::uuid[])', [ids])
      .then(({ rows }) => {
        const live = new Set(rows.map((r) => r.id));
        const closed = closeConnections(ids.filter((id) => !live.has(id) && connections.has(id)));
        if (closed > 0) log.info({ closed }, 'closed the connections of ended sessions');
      })
      .catch((err: unknown) => log.warn({ err }, 'session sweep failed; trying again next round'));
  }, SESSION_RECHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** "Firefox on Linux" from a User-Agent header, for the list of signed-in devices. */
export function deviceName(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser =
    /Edg\//.test(userAgent) ? 'Edge'
    : /OPR\//.test(userAgent) ? 'Opera'
    : /SamsungBrowser\//.test(userAgent) ? 'Samsung Internet'
    : /Firefox\/|FxiOS\//.test(userAgent) ? 'Firefox'
    : /Chrome\/|CriOS\/|Chromium\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari'
    : null;
  const os =
    /iPhone|iPad|iPod/.test(userAgent) ? 'iOS'
    : /Android/.test(userAgent) ? 'Android'
    : /CrOS/.test(userAgent) ? 'ChromeOS'
    : /Windows/.test(userAgent) ? 'Windows'
    : /Mac OS X|Macintosh/.test(userAgent) ? 'macOS'
    : /Linux/.test(userAgent) ? 'Linux'
    : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.slice(0, 60);
}
