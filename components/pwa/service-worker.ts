'use client';
// The page's side of public/sw.js: registering it, push subscriptions, notifications, the app badge,
// and forgetting this browser on logout. Every function is a no-op where the browser lacks the API.
import { notificationTag } from '@/lib/push.ts';

/** public/sw.js's cache of the app's pages (which carry the signed-in user). */
const SHELL_CACHE = /^parley-shell-/;

function workerSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
}

/** Resolves once the page has loaded and the main thread is idle (at most 3 s after the load). */
function pageSettled(): Promise<void> {
  return new Promise((resolve) => {
    const idle = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 3_000 }) : setTimeout(resolve, 0));
    if (document.readyState === 'complete') idle();
    else window.addEventListener('load', idle, { once: true });
  });
}

/**
 * Registers the worker, on every page: the sign-in page too, so the app can be installed from there
 * (the worker caches only public assets until someone signs in). Resolves once it is active. It
 * waits for the page to load and go idle: installing fetches and caches every asset again, which
 * would compete with the page's own start (its scripts, its first API calls).
 */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!workerSupported()) return null;
  if (process.env.NODE_ENV !== 'production') {
    // In `npm run dev` code changes under the same URLs: a worker's caches would serve stale code.
    for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
    return null;
  }
  try {
    await pageSettled();
    await navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' });
    const ready = await navigator.serviceWorker.ready;
    // What this page loaded before the worker controlled it: the worker keeps the public assets,
    // and (signed in) the page itself, so the app opens offline from the first visit on.
    const assets = performance.getEntriesByType('resource').map((e) => e.name);
    ready.active?.postMessage({ type: 'cache-shell', page: location.pathname, assets });
    return ready;
  } catch {
    // No worker (private mode in some browsers, or blocked): the app works online without it.
    return null;
  }
}

/**
 * The signed-in app's side of the worker: this browser's cached pages become `userId`'s, and
 * `onOpen` hears a notification click's conversation.
 */
export function startServiceWorker(userId: string, onOpen: (path: string) => void): () => void {
  if (!workerSupported()) return () => {};
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: string; path?: unknown } | null;
    if (data?.type !== 'open' || typeof data.path !== 'string') return;
    onOpen(data.path);
    // The worker waits for this; unanswered it would load the page anew on the conversation.
    event.ports[0]?.postMessage('opened');
  };
  navigator.serviceWorker.addEventListener('message', onMessage);
  void claimCachedPages(userId).then(registerServiceWorker);
  return () => navigator.serviceWorker.removeEventListener('message', onMessage);
}

export type NotificationState = 'unsupported' | 'denied' | 'off' | 'on';

function pushSupported(): boolean {
  return workerSupported() && typeof window !== 'undefined' && 'PushManager' in window && 'Notification' in window;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

export async function notificationState(): Promise<NotificationState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return Notification.permission === 'granted' && (await currentSubscription()) ? 'on' : 'off';
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

type SaveSubscription = (subscription: { endpoint: string; keys: { p256dh: string; auth: string } }) => Promise<unknown>;

function asInput(subscription: PushSubscription) {
  const json = subscription.toJSON();
  return { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } };
}

/** Asks for permission (only ever from a click), subscribes this browser and tells the server. */
export async function enableNotifications(publicKey: string, save: SaveSubscription): Promise<NotificationState> {
  if (!pushSupported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  // A subscription made for another server key (the keys were changed) cannot receive our pushes.
  const key = subscription?.options.applicationServerKey;
  if (subscription && key && !sameBytes(new Uint8Array(key), keyBytes(publicKey))) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  await save(asInput(subscription));
  return 'on';
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Stops pushes to this browser. The browser drops the subscription first: even if telling the
 * server fails (offline, slow), the push service then answers 410 and the server forgets it.
 */
export async function disableNotifications(remove: (endpoint: string) => Promise<unknown>): Promise<NotificationState> {
  const subscription = await currentSubscription();
  if (subscription) {
    await subscription.unsubscribe();
    await Promise.race([remove(subscription.endpoint), new Promise((resolve) => setTimeout(resolve, 3_000))]).catch(() => {});
  }
  return notificationState();
}

/** On every start: the server holds this browser's subscription for whoever is signed in now. */
export async function resyncSubscription(save: SaveSubscription): Promise<void> {
  if (!pushSupported() || Notification.permission !== 'granted') return;
  const subscription = await currentSubscription();
  if (subscription) await save(asInput(subscription));
}

/** Logging out: no more pushes here for this account, and no copy of its pages left behind. */
export async function forgetThisBrowser(remove: (endpoint: string) => Promise<unknown>): Promise<void> {
  await disableNotifications(remove).catch(() => {});
  await dropCachedPages();
}

async function dropCachedPages(): Promise<void> {
  if (typeof caches === 'undefined') return;
  for (const key of await caches.keys()) if (SHELL_CACHE.test(key)) await caches.delete(key).catch(() => {});
}

const OWNER_KEY = 'parley-shell-owner';

/**
 * The worker's copy of the app's pages is of whoever used this browser last. When someone else
 * signs in here (without the last one having logged out), that copy goes before it can be shown.
 */
export async function claimCachedPages(userId: string): Promise<void> {
  try {
    if (localStorage.getItem(OWNER_KEY) === userId) return;
    await dropCachedPages();
    localStorage.setItem(OWNER_KEY, userId);
  } catch {
    // No storage: nothing was cached for anyone either.
  }
}

/** The conversation was read here: its notification goes (the other devices get a push saying so). */
export async function closeNotifications(conversationId: string): Promise<void> {
  if (!workerSupported()) return;
  const registration = await navigator.serviceWorker.getRegistration('/');
  for (const n of (await registration?.getNotifications({ tag: notificationTag(conversationId) })) ?? []) n.close();
}

/** The unread total on the installed app's icon, where the Badging API exists. */
export function setAppBadge(count: number): void {
  if (typeof navigator === 'undefined' || !('setAppBadge' in navigator)) return;
  void (count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge()).catch(() => {});
}
