// The delivery property's checker, shared by the property tests: PostgreSQL against every send and
// every member's screen. Stored once, gapless, acked as stored, shown once and in order to every member.
import type { Message } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { toMessage } from '../messages/write.ts';
import type { SendRecord, SimClient } from './sim-client.ts';

export interface CheckedConversation {
  id: string;
  members: { id: string }[];
}

/** What PostgreSQL committed per conversation: its last seq. */
export async function committedTops(conversationIds: string[]): Promise<Map<string, number>> {
  const rows = await getDb().conversation.findMany({ where: { id: { in: conversationIds } }, select: { id: true, lastSeq: true } });
  return new Map(rows.map((r) => [r.id, Number(r.lastSeq)]));
}

/** "c3 holds <id> to 41 (max 43) of 45" for every client behind what was committed. */
export function lagging(clients: SimClient[], committed: Map<string, number>): string[] {
  return clients.flatMap((c) =>
    c.conversationIds
      .filter((id) => c.store.contiguousTop(id) < committed.get(id)!)
      .map((id) => `${c.tag} holds ${id} to ${c.store.contiguousTop(id)} (max ${c.store.get(id).topSeq}) of ${committed.get(id)}`),
  );
}

/** Every problem found (none: the property holds), with the number of text rows and receivers checked. */
export async function checkDelivery(
  conversations: CheckedConversation[],
  records: SendRecord[],
  clientOf: (userId: string) => SimClient,
): Promise<{ problems: string[]; rowsTotal: number; receiversChecked: number }> {
  const problems: string[] = [];
  const recordOf = new Map(records.map((r) => [r.body, r]));
  const timesStored = new Map<string, number>();
  let rowsTotal = 0;
  let receiversChecked = 0;
  const tops = await committedTops(conversations.map((c) => c.id));
  const shown = (m: Message) => `${m.id}|${m.seq}|${m.senderId}|${m.clientId}|${m.body}|${m.createdAt.getTime()}`;
  for (const conversation of conversations) {
    const rows = (await getDb().message.findMany({ where: { conversationId: conversation.id }, orderBy: { seq: 'asc' } })).map(toMessage);
    rowsTotal += rows.filter((r) => r.kind === 'text').length;
    rows.forEach((r, i) => r.seq !== i + 1 && problems.push(`${conversation.id}: seq ${r.seq} at position ${i + 1} (a gap or a duplicate)`));
    if (rows.length !== tops.get(conversation.id)) problems.push(`${conversation.id} has ${rows.length} rows but its head says ${tops.get(conversation.id)}`);
    for (const row of rows) {
      timesStored.set(row.body, (timesStored.get(row.body) ?? 0) + 1);
      const record = recordOf.get(row.body);
      if (!record) {
        // The groups' "created" messages are the server's own; every member must still be shown them.
        if (row.kind !== 'system') problems.push(`stored ${row.body}, which nobody sent`);
      } else if (record.conversationId !== conversation.id || record.clientId !== row.clientId) {
        problems.push(`${row.body} stored in the wrong conversation or with another client id`);
      } else if (record.ack && (record.ack.id !== row.id || record.ack.seq !== row.seq)) {
        problems.push(`${row.body} acked as ${record.ack.id}/${record.ack.seq} but stored as ${row.id}/${row.seq}`);
      }
    }
    const expected = rows.map(shown);
    for (const member of conversation.members) {
      const client = clientOf(member.id);
      const view = client.store.get(conversation.id);
      const actual = view.messages.map(shown);
      receiversChecked++;
      if (actual.join('\n') !== expected.join('\n')) {
        const missing = expected.filter((m) => !actual.includes(m)).length;
        const extra = actual.length - new Set(actual).size + actual.filter((m) => !expected.includes(m)).length;
        problems.push(`${client.tag} shows ${actual.length} of ${expected.length} in ${conversation.id} (${missing} missing, ${extra} extra or wrong)`);
      }
      if (view.pending.length > 0) problems.push(`${client.tag} still shows ${view.pending.length} pending sends in ${conversation.id}`);
    }
  }
  for (const record of records) {
    const n = timesStored.get(record.body) ?? 0;
    if (n !== 1) problems.push(`${record.body} is stored ${n} times`);
  }
  if (rowsTotal !== records.length) problems.push(`${rowsTotal} text rows for ${records.length} sends`);
  const unacked = records.filter((r) => !r.ack).length;
  if (unacked > 0) problems.push(`${unacked} sends never acked`);
  return { problems, rowsTotal, receiversChecked };
}

/**
 * Every way the delivered ticks are not yet the truth: a member's delivered watermark short of the
 * conversation's head (their client never acked what it holds), or a member's client showing another
 * tick than every member's watermark. Empty once everyone has everything and every client says so.
 */
export async function untruthfulTicks(clients: SimClient[], conversations: CheckedConversation[]): Promise<string[]> {
  const problems: string[] = [];
  const tops = await committedTops(conversations.map((c) => c.id));
  const rows = await getDb().member.findMany({
    where: { conversationId: { in: conversations.map((c) => c.id) }, leftSeq: null },
    select: { conversationId: true, userId: true, deliveredSeq: true },
  });
  for (const conversation of conversations) {
    const top = tops.get(conversation.id)!;
    const watermarks = rows.filter((r) => r.conversationId === conversation.id);
    for (const w of watermarks) if (Number(w.deliveredSeq) < top) problems.push(`${w.userId} has ${w.deliveredSeq} of ${top} delivered in ${conversation.id}`);
    const all = Math.min(...watermarks.map((w) => Number(w.deliveredSeq)));
    for (const member of conversation.members) {
      const client = clients.find((c) => c.user.id === member.id)!;
      const shown = client.ticks.get(conversation.id) ?? 0;
      if (shown !== all) problems.push(`${client.tag} shows delivered to ${shown} in ${conversation.id}, every member has ${all}`);
    }
  }
  return problems;
}
