// Parley's service worker: the app shell offline, and web push notifications.
// Hand-written (no build step): served as /sw.js with Cache-Control: no-cache, so an update reaches
// browsers on their next visit. server/push/service.ts defines the push payloads it reads.
/* eslint-env serviceworker */
'use strict';

const VERSION = 'v1';
/** The app's pages (their HTML) as last seen online, to open offline. */
const SHELL_CACHE = `parley-shell-${VERSION}`;
/** Build output (content-hashed: never changes under one URL), icons and the manifest. */
const ASSET_CACHE = `parley-assets-${VERSION}`;

const isAppPage = (url) => url.pathname === '/' || /^\/c\/[^/]+$/.test(url.pathname);
const isImmutable = (url) => url.pathname.startsWith('/_next/static/');
const isAsset = (url) => isImmutable(url) || url.pathname.startsWith('/icons/') || url.pathname === '/manifest.webmanifest';

self.addEventListener('install', (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('parley-') && key !== SHELL_CACHE && key !== ASSET_CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && isAppPage(url)) event.respondWith(appPage(request, url));
  else if (isImmutable(url)) event.respondWith(immutable(request));
  else if (isAsset(url)) event.respondWith(networkFirst(request));
});

/** Network first, so the app is always current online; the last copy (or an offline page) when not. */
async function appPage(request, url) {
  try {
    const response = await fetch(request);
    // Only a real page of the signed-in app: not a redirect to the login page, not an error.
    if (response.ok && response.type === 'basic' && !response.redirected) {
      const copy = response.clone();
      caches.open(SHELL_CACHE).then((cache) => cache.put(url.pathname, copy)).catch(() => {});
    }
    return response;
  } catch {
    const cache = await caches.open(SHELL_CACHE);
    const page = (await cache.match(url.pathname)) ?? (await cache.match('/'));
    return page ?? offlinePage();
  }
}

async function immutable(request) {
  const cache = await caches.open(ASSET_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone()).catch(() => {});
  return response;
}

/** Icons and the manifest may change under the same URL: the network's copy when there is one. */
async function networkFirst(request) {
  const cache = await caches.open(ASSET_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone()).catch(() => {});
    return response;
  } catch (err) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw err;
  }
}

function offlinePage() {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Parley – offline</title><style>body{margin:0;height:100vh;display:grid;place-items:center;font:15px system-ui,sans-serif;background:#f0f2f5;color:#3b4a54}
@media (prefers-color-scheme:dark){body{background:#111b21;color:#d1d7db}}main{text-align:center;padding:24px}h1{font-size:20px;font-weight:500;margin:0 0 8px}</style></head>
<body><main><h1>You are offline</h1><p>Parley will open when your connection is back.</p><p><button onclick="location.reload()">Try again</button></p></main></body></html>`;
  return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

// The page tells us what it loaded before this worker controlled it, so the first visit is enough
// for the app to open offline next time.
self.addEventListener('message', (event) => {
  const data = event.data;
  if (data && data.type === 'cache-shell') event.waitUntil(cacheShell(data.page, data.assets));
});

async function cacheShell(page, assets) {
  const assetCache = await caches.open(ASSET_CACHE);
  const urls = (Array.isArray(assets) ? assets : []).filter((u) => {
    try {
      const url = new URL(u, self.location.origin);
      return url.origin === self.location.origin && isAsset(url);
    } catch {
      return false;
    }
  });
  await Promise.all(urls.map(async (u) => ((await assetCache.match(u)) ? undefined : assetCache.add(u).catch(() => {}))));
  if (typeof page === 'string' && isAppPage(new URL(page, self.location.origin))) {
    const response = await fetch(page, { credentials: 'same-origin', redirect: 'manual' }).catch(() => null);
    if (response && response.ok && response.type === 'basic') await (await caches.open(SHELL_CACHE)).put(new URL(page, self.location.origin).pathname, response);
  }
}

self.addEventListener('push', (event) => {
  let payload = null;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = null;
  }
  event.waitUntil(onPush(payload));
});

async function onPush(payload) {
  if (!payload || typeof payload !== 'object') return;
  if (payload.type === 'message') {
    await self.registration.showNotification(payload.title, {
      body: payload.body,
      tag: payload.tag,
      renotify: !payload.quiet,
      silent: Boolean(payload.quiet),
      icon: '/icons/icon-192.png',
      badge: '/icons/badge-96.png',
      timestamp: payload.at,
      data: { url: payload.url, conversationId: payload.conversationId },
    });
  } else if (payload.type === 'read') {
    await closeNotifications(payload.tag);
  }
  await setBadge(payload.badge);
}

async function closeNotifications(tag) {
  for (const notification of await self.registration.getNotifications({ tag })) notification.close();
}

async function setBadge(count) {
  const nav = self.navigator;
  if (typeof count !== 'number' || !nav || !('setAppBadge' in nav)) return;
  try {
    await (count > 0 ? nav.setAppBadge(count) : nav.clearAppBadge());
  } catch {
    // Not allowed here (no installed app): the badge is a nicety.
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  event.waitUntil(openConversation(typeof data.url === 'string' ? data.url : '/'));
});

/**
 * The window to show a conversation in: one of the app's already showing it, else a focused one of
 * the app's, else any of the app's (a window on another page, the login say, cannot open it). Null:
 * open a new one.
 */
function pickWindow(windows, path) {
  const app = windows.filter((w) => isAppPage(new URL(w.url)));
  return app.find((w) => new URL(w.url).pathname === path) || app.find((w) => w.focused) || app[0] || null;
}

async function openConversation(url) {
  const target = new URL(url, self.location.origin);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const existing = pickWindow(windows, target.pathname);
  if (!existing) return self.clients.openWindow(target.href);
  try {
    await existing.focus();
  } catch {
    // Focus needs a real click on the notification; the conversation opens either way.
  }
  // The app opens it without a reload (components/pwa/service-worker.ts listens and answers). A page
  // still loading has no listener yet and the message is lost: unanswered, the window is sent there.
  if (!(await told(existing, { type: 'open', path: target.pathname }))) await existing.navigate(target.href).catch(() => {});
  return existing;
}

/** Posts a message to a window; true once the page answers on the port sent with it. */
function told(client, message, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(false), timeoutMs);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(true);
    };
    client.postMessage(message, [channel.port2]);
  });
}

self.addEventListener('pushsubscriptionchange', (event) => {
  // The push service rotated this browser's subscription: tell the server the new one (the
  // session cookie goes along); the old endpoint will answer 410 and be dropped.
  event.waitUntil(
    (async () => {
      const subscription = event.newSubscription || (await self.registration.pushManager.getSubscription());
      if (!subscription) return;
      await fetch('/api/trpc/push.subscribe', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ json: subscription.toJSON() }),
      });
    })(),
  );
});
