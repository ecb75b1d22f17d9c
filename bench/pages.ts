// What a browser pays to open Parley: the JavaScript each page ships (bytes gzip, as served) and,
// with BENCH_LIGHTHOUSE=1, Lighthouse's mobile performance score of the login page and the chat.
// For each page also its main thread at Lighthouse's 4x CPU slowdown, measured in the page itself
// over BENCH_PAGE_LOADS loads (default 5), from navigation until the network is idle and the page
// shows its content: script time per load and blocking time (each long task past 50 ms), medians.
// Lighthouse simulates its blocking time from one load, and on this machine it swings 190-950 ms
// between runs of the same code; these move with the code.
//
//   npm run bench:pages
//
// The production build (`npm start`, which builds when the sources changed) on a fresh database; one
// user with one chat; BENCH_LIGHTHOUSE_DIR keeps Lighthouse's whole reports there. Chromium from CHROMIUM_PATH (/usr/bin/chromium). Lighthouse is fetched by npx
// at a pinned version on first use (it is a bench tool, not a dependency of the app).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from '@playwright/test';
import { freePort } from '../server/test/cluster-harness.ts';
import { freshDatabase, onCleanup, PASSWORD, percentile, runBench, writeResults } from './harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIGHTHOUSE = 'lighthouse@12.8.2'; // the last line that runs on Node 20
const TARGETS = { scriptKb: 150, lighthouse: 90 };
const LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 5);
/** Lighthouse's mobile CPU slowdown. */
const CPU_SLOWDOWN = 4;

async function startServer(databaseUrl: string): Promise<string> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), PUBLIC_URL: base, DATA_DIR: '.data/bench-pages', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  onCleanup(async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the server exited (${code})`))));
  for (;;) {
    const up = await fetch(`${base}/login`).then((r) => r.ok, () => false);
    if (up) return base;
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 500))]);
  }
}

/** Signs a new user in through next-auth; returns the user's context and one chat's address. */
async function signedIn(context: BrowserContext, base: string): Promise<string> {
  const name = (prefix: string) => `${prefix}_${Date.now().toString(36)}`;
  const [me, peer] = [name('pages'), name('peer')];
  for (const username of [me, peer]) {
    const r = await context.request.post(`${base}/api/trpc/auth.register`, { data: { json: { username, displayName: username, password: PASSWORD } } });
    if (!r.ok()) throw new Error(`register: ${r.status()}`);
  }
  const { csrfToken } = await (await context.request.get(`${base}/api/auth/csrf`)).json();
  await context.request.post(`${base}/api/auth/callback/credentials`, { form: { csrfToken, username: me, password: PASSWORD, json: 'true' } });
  const opened = await context.request.post(`${base}/api/trpc/conversations.openDirect`, { data: { json: { username: peer } } });
  const { id } = (await opened.json()).result.data.json as { id: string };
  return `${base}/c/${id}`;
}

/** The scripts a page loads until the network is idle: count, bytes and bytes gzip. */
async function scriptsOf(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const loaded: Promise<{ url: string; bytes: number; gzip: number }>[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script') loaded.push(r.body().then((b) => ({ url: r.url(), bytes: b.length, gzip: gzipSync(b).length })));
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  const scripts = await Promise.all(loaded);
  await page.close();
  const sum = (key: 'bytes' | 'gzip') => scripts.reduce((n, s) => n + s[key], 0);
  return { count: scripts.length, bytes: sum('bytes'), gzip: sum('gzip'), scripts };
}

/**
 * The page's main thread over LOADS first visits (a new browser context each: no service worker, no
 * cache; the user's cookies only) at CPU_SLOWDOWN, until the network is idle and `ready` shows:
 * medians of the busy time (CPU profile samples, idle left out) and of the blocking time (long tasks).
 */
async function mainThread(signedIn: BrowserContext, url: string, ready: string) {
  const busy: number[] = [];
  const blocking: number[] = [];
  const { cookies } = await signedIn.storageState();
  for (let i = 0; i < LOADS; i++) {
    const context = await signedIn.browser()!.newContext({ storageState: { cookies, origins: [] } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const tasks: number[] = ((window as unknown as { longTasks: number[] }).longTasks = []);
      new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.getByText(ready).first().waitFor();
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const { profile } = await cdp.send('Profiler.stop');
    await context.close();
    const idle = new Set(profile.nodes.filter((n) => ['(idle)', '(program)'].includes(n.callFrame.functionName)).map((n) => n.id));
    const deltas = profile.timeDeltas ?? [];
    const busyUs = (profile.samples ?? []).reduce((sum, id, k) => sum + (idle.has(id) ? 0 : (deltas[k + 1] ?? 0)), 0);
    busy.push(Math.round(busyUs / 1000));
    blocking.push(Math.round(tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0)));
  }
  const median = (values: number[]) => percentile(values.sort((a, b) => a - b), 50);
  return { busyMs: median(busy), blockingMs: median(blocking), busy, blocking };
}

const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'] as const;

/** Lighthouse's mobile performance score, and the metrics it is made of (ms; CLS unitless). */
function lighthouse(page: string, url: string, cookie?: string) {
  const args = ['-y', LIGHTHOUSE, url, '--only-categories=performance', '--output=json', '--quiet', `--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run`];
  if (cookie) args.push(`--extra-headers=${JSON.stringify({ Cookie: cookie })}`);
  const r = spawnSync('npx', args, { env: { ...process.env, CHROME_PATH: CHROMIUM }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`lighthouse: ${r.stderr.slice(-500)}`);
  if (process.env.BENCH_LIGHTHOUSE_DIR) writeFileSync(`${process.env.BENCH_LIGHTHOUSE_DIR}/${page}.json`, r.stdout);
  const report = JSON.parse(r.stdout) as { categories: { performance: { score: number } }; audits: Record<string, { numericValue: number }> };
  const metrics = Object.fromEntries(METRICS.map((m) => [m, Math.round(report.audits[m].numericValue * 1000) / 1000]));
  return { score: Math.round(report.categories.performance.score * 100), metrics };
}

async function main(): Promise<number> {
  const databaseUrl = await freshDatabase('parley_pages');
  const base = await startServer(databaseUrl);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  onCleanup(() => browser.close());
  const context = await browser.newContext();
  const chat = await signedIn(context, base);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const anonymous = await browser.newContext();

  const pages = [
    { page: 'login', url: `${base}/login`, context: anonymous, cookie: undefined, ready: 'Log in' },
    { page: 'chat', url: chat, context, cookie, ready: 'No messages here yet' },
  ];
  const rows = [];
  for (const p of pages) {
    const scripts = await scriptsOf(p.context, p.url);
    const main = await mainThread(p.context, p.url, p.ready);
    const audit = process.env.BENCH_LIGHTHOUSE === '1' ? lighthouse(p.page, p.url, p.cookie) : null;
    rows.push({ page: p.page, ...scripts, mainThread: main, lighthouse: audit?.score ?? null, metrics: audit?.metrics ?? null });
  }

  const kb = (n: number) => (n / 1024).toFixed(1);
  console.log('');
  console.log(`| page | scripts | KB | KB gzip (target ≤ ${TARGETS.scriptKb}) | script ms at ${CPU_SLOWDOWN}x (median of ${LOADS}) | blocking ms at ${CPU_SLOWDOWN}x | Lighthouse mobile performance (target ≥ ${TARGETS.lighthouse}) |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.page} | ${r.count} | ${kb(r.bytes)} | ${kb(r.gzip)} | ${r.mainThread.busyMs} | ${r.mainThread.blockingMs} | ${r.lighthouse ?? '(BENCH_LIGHTHOUSE=1)'} |`);
  }
  for (const { page, metrics } of rows) if (metrics) console.log(`${page}: ${METRICS.map((m) => `${m} ${metrics[m]}`).join(", ")}`);
  writeResults('pages', { targets: TARGETS, results: rows });
  return rows.every((r) => r.gzip / 1024 <= TARGETS.scriptKb && (r.lighthouse ?? 100) >= TARGETS.lighthouse) ? 0 : 1;
}

await runBench('pages', Number(process.env.BENCH_DEADLINE_S ?? 900), main);
