// A bot in under 30 lines: answers every text message sent to it with "echo: …" and marks it read.
//   PARLEY_URL=ws://localhost:3000/api/trpc-ws PARLEY_TOKEN=parley_pat_… node --import tsx examples/echo-bot.ts
// The token: Settings → Devices and security → Access tokens (or auth.createToken). docs/api.md has the rest.
import { randomUUID } from 'node:crypto';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';
import type { ServerEvent } from '../lib/events.ts';
import type { AppRouter } from '../server/router.ts';

const url = process.env.PARLEY_URL ?? 'ws://localhost:3000/api/trpc-ws';
const headers = { authorization: `Bearer ${process.env.PARLEY_TOKEN}` };
const BotSocket = class extends WebSocket { constructor(address: string | URL) { super(address, { headers }); } };
const client = createWSClient({ url, WebSocket: BotSocket as unknown as typeof globalThis.WebSocket });
const parley = createTRPCClient<AppRouter>({ links: [wsLink({ client, transformer: superjson })] });

const me = await parley.users.me.query();
parley.sync.events.subscribe(undefined, {
  onData: async ({ data }) => {
    const event = data as ServerEvent;
    if (event.type !== 'message.new' || event.message.kind !== 'text' || event.message.senderId === me?.id) return;
    const { conversationId, seq, body } = event.message;
    await parley.receipts.ack.mutate({ receipts: [{ conversationId, readSeq: seq }] });
    await parley.messages.send.mutate({ conversationId, clientId: randomUUID(), body: `echo: ${body}` });
  },
});
console.log(`echo bot ready as @${me?.username}`);
