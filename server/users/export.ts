// "Export my data": GET /api/export (JSON) or /api/export?format=html (a page to read and keep), as the
// signed-in caller (session cookie or access token). Holds the profile, contacts, the people blocked,
// and every chat the caller is or was in with the messages they may read there, by the same rules as
// messages.list (their window, what they cleared, edits folded, what they deleted for themselves and
// what was withheld from them left out). Streamed chat by chat, so a long history never sits in memory.
import type http from 'node:http';
import { formatCoordinates, mapUrl, mediaLabel, mediaUrl, type MediaKind, type SharedLocation } from '../../lib/media.ts';
import type { ConversationSummary, Message, UserId } from '../../lib/schemas.ts';
import { env } from '../env.ts';
import { listBlocked, listContacts } from '../contacts/service.ts';
import { getConversation, listMembers, readableRange } from '../conversations/service.ts';
import { getDb } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { CallBudget } from '../http/call-budget.ts';
import { routeCaller } from '../http/http-route.ts';
import { logger } from '../logger.ts';
import { listMessages } from '../messages/history.ts';
import { getMe } from './service.ts';

export const EXPORT_PATH = '/api/export';
/** An export reads everything the caller has: it costs a few inbox pages of the call budget. */
const EXPORT_COST = 100;
const PAGE = 100;

interface ExportedMessage {
  seq: number;
  sentAt: string;
  from: string;
  fromId: string;
  kind: 'text' | 'system';
  text: string;
  edited?: true;
  deleted?: true;
  forwarded?: true;
  replyToSeq?: number;
  reactions?: { emoji: string; from: string[] }[];
  /** A photo, video, voice note or file: what it is, and where the signed-in owner of this export fetches it. */
  media?: { kind: MediaKind; name: string; type: string; bytes: number; url: string };
  location?: SharedLocation;
}

/** The messages of one chat the caller may read, oldest first, a page at a time. */
async function* chatMessages(userId: UserId, conversationId: string, names: Map<string, string>): AsyncGenerator<ExportedMessage[]> {
  const range = await readableRange(userId, conversationId);
  let after = Number(range.fromSeq) - 1;
  for (;;) {
    const page = await listMessages(userId, { conversationId, after, limit: PAGE }, range);
    const shown = page.messages.filter((m): m is Message & { kind: 'text' | 'system' } => m.kind !== 'change' && !m.hidden);
    if (shown.length) yield shown.map((m) => exported(m, names));
    if (page.messages.length < PAGE) return;
    after = page.messages[page.messages.length - 1].seq;
  }
}

function exported(m: Message & { kind: 'text' | 'system' }, names: Map<string, string>): ExportedMessage {
  const name = (id: string) => names.get(id) ?? 'Former member';
  return {
    seq: m.seq,
    sentAt: m.createdAt.toISOString(),
    from: name(m.senderId),
    fromId: m.senderId,
    kind: m.kind,
    text: m.body,
    ...(m.edited && { edited: true as const }),
    ...(m.deleted && { deleted: true as const }),
    ...(m.forwarded && { forwarded: true as const }),
    ...(m.replyTo && { replyToSeq: m.replyTo.seq }),
    ...(m.reactions?.length && { reactions: m.reactions.map((r) => ({ emoji: r.emoji, from: r.userIds.map(name) })) }),
    ...(m.media && { media: { kind: m.media.kind, name: m.media.name, type: m.media.mime, bytes: m.media.size, url: `${env.publicUrl}${mediaUrl(m.media.id)}` } }),
    ...(m.location && { location: m.location }),
  };
}

/** Every chat the caller is or was in, the newest activity first. */
async function chatsOf(userId: UserId): Promise<ConversationSummary[]> {
  const rows = await getDb().member.findMany({ where: { userId }, select: { conversationId: true } });
  const chats = await Promise.all(rows.map((r) => getConversation(userId, r.conversationId)));
  return chats.sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime());
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Writes the export in either format; `write` resolves when the chunk is handed on. */
async function writeExport(userId: UserId, format: 'json' | 'html', write: (chunk: string) => Promise<void>): Promise<void> {
  const me = (await getMe(userId))!;
  const [contacts, blocked, chats] = await Promise.all([listContacts(userId), listBlocked(userId), chatsOf(userId)]);
  const exportedAt = new Date().toISOString();
  const photo = me.photo && `${env.publicUrl}${mediaUrl(me.photo)}`;
  const profile = { id: me.id, username: me.username, displayName: me.displayName, about: me.about, ...(photo && { photo }) };
  const html = format === 'html';
  if (html) {
    const people = (list: typeof contacts) => (list.length ? `<ul>${list.map((u) => `<li>${escapeHtml(u.displayName)} (@${escapeHtml(u.username)})</li>`).join('')}</ul>` : '<p>None.</p>');
    await write(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Parley export of @${escapeHtml(me.username)}</title><style>body{font:15px/1.45 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111b21}
h2{margin-top:2.5rem;border-bottom:1px solid #ddd}ol{list-style:none;padding:0}li.m{margin:.4rem 0}.t{color:#667781;font-size:.8em}.s{color:#667781;font-style:italic}
@media (prefers-color-scheme:dark){body{background:#111b21;color:#e9edef}.t,.s{color:#8696a0}}</style></head><body>
<h1>${escapeHtml(me.displayName)} (@${escapeHtml(me.username)})</h1><p class="t">Exported from Parley at ${exportedAt}</p>
${me.about ? `<p>${escapeHtml(me.about)}</p>` : ''}${photo ? `<p><a href="${escapeHtml(photo)}">Profile photo</a></p>` : ''}<h2>Contacts</h2>${people(contacts)}<h2>Blocked</h2>${people(blocked)}`);
  } else {
    await write(`{"exportedAt":${JSON.stringify(exportedAt)},"profile":${JSON.stringify(profile)},"contacts":${JSON.stringify(contacts)},"blocked":${JSON.stringify(blocked)},"chats":[`);
  }
  for (const [i, chat] of chats.entries()) {
    const range = await readableRange(userId, chat.id);
    const members = await listMembers(userId, chat.id, range);
    const names = new Map(members.map((m) => [m.id, m.displayName]));
    names.set(userId, me.displayName);
    const head = { id: chat.id, kind: chat.kind, title: chat.title, member: chat.role !== null, members: members.map((m) => ({ id: m.id, username: m.username, displayName: m.displayName, current: m.active })) };
    if (html) await write(`<h2>${escapeHtml(chat.title)}</h2>${chat.role === null ? '<p class="s">You are no longer a member: what was said until you left.</p>' : ''}<ol>`);
    else await write(`${i ? ',' : ''}${JSON.stringify(head).slice(0, -1)},"messages":[`);
    let first = true;
    for await (const page of chatMessages(userId, chat.id, names)) {
      if (html) {
        await write(page.map((m) => `<li class="m${m.kind === 'system' ? ' s' : ''}"><span class="t">${m.sentAt.slice(0, 16).replace('T', ' ')}</span> ${m.kind === 'text' ? `<b>${escapeHtml(m.from)}</b>: ` : ''}${m.deleted ? '<i>This message was deleted</i>' : `${m.media ? `<a href="${escapeHtml(m.media.url)}">${escapeHtml(mediaLabel(m.media))}</a> ` : ''}${m.location ? `<a href="${escapeHtml(mapUrl(m.location))}">📍 ${escapeHtml(m.location.label ?? formatCoordinates(m.location))}</a> ` : ''}${escapeHtml(m.text)}`}${m.edited ? ' <span class="t">(edited)</span>' : ''}${m.reactions ? ` <span class="t">${m.reactions.map((r) => `${escapeHtml(r.emoji)} ${r.from.length}`).join(' ')}</span>` : ''}</li>`).join(''));
      } else {
        await write(`${first ? '' : ','}${page.map((m) => JSON.stringify(m)).join(',')}`);
      }
      first = false;
    }
    await write(html ? '</ol>' : ']}');
  }
  await write(html ? '</body></html>' : ']}');
}

/** Answers GET /api/export; false for any other path. */
export function handleExportRequest(req: http.IncomingMessage, res: http.ServerResponse, budget: CallBudget): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== EXPORT_PATH) return false;
  void (async () => {
    if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
    const caller = await routeCaller(req, res, budget, EXPORT_COST);
    if (!caller) return;
    const format = url.searchParams.get('format') === 'html' ? 'html' : 'json';
    const { username } = (await getMe(caller.userId))!;
    res.writeHead(200, {
      'content-type': format === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="parley-${username}-${new Date().toISOString().slice(0, 10)}.${format}"`,
      'cache-control': 'no-store',
    });
    // Backpressure: the next page is read once the client took the last.
    const write = (chunk: string) => new Promise<void>((resolve) => (res.write(chunk) ? resolve() : res.once('drain', resolve)));
    await writeExport(caller.userId, format, write);
    res.end();
  })().catch((err: unknown) => {
    logger.error({ err, part: 'export' }, 'export failed');
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy(err as Error); // cut short: the client sees a broken download, not a whole-looking one
  });
  return true;
}
