// The example bot in examples/ (docs/api.md points people at it) runs as written against a real server:
// a person writes to it and gets the echo back, read.
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createParleyServer, TRPC_WS_PATH, type ParleyServer } from './http/server.ts';
import { createUser, releaseServices, send } from './test/helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let server: ParleyServer;
let wsUrl: string;
const stops: (() => void)[] = [];

beforeAll(async () => {
  server = createParleyServer({ allowedOrigins: [] });
  await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
  wsUrl = `ws://127.0.0.1:${(server.http.address() as AddressInfo).port}${TRPC_WS_PATH}`;
});

afterAll(async () => {
  for (const stop of stops) stop();
  await server.close();
  await releaseServices();
});

test('the echo bot answers a message with its echo and marks it read', { timeout: 60_000 }, async () => {
  const [bot, alice] = await Promise.all([createUser('echobot'), createUser('echoalice')]);
  const { token } = await bot.caller.auth.createAccessToken({ name: 'echo bot' });
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/echo-bot.ts'], {
    cwd: ROOT,
    env: { ...process.env, PARLEY_URL: wsUrl, PARLEY_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  stops.push(() => child.kill());
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('echo bot ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the bot exited with ${code}`)));
  });

  const { id: conversationId } = await alice.caller.conversations.openDirect({ username: bot.username });
  const sent = await send(alice, conversationId, 'hello, bot');
  await expect.poll(async () => (await alice.caller.messages.list({ conversationId })).messages.map((m) => m.body), { timeout: 20_000 }).toEqual([
    'hello, bot',
    'echo: hello, bot',
  ]);
  const info = await alice.caller.messages.info({ conversationId, seq: sent.seq });
  expect(info.read.map((r) => r.user.id)).toEqual([bot.id]);
});
