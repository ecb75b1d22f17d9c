// Dates and times as people read them in a chat, in the browser's locale.
import { lazily } from '../../lib/lazily.ts';

const time = lazily(() => new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }));
const weekday = lazily(() => new Intl.DateTimeFormat(undefined, { weekday: 'long' }));
const shortDate = lazily(() => new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }));
const longDate = lazily(() => new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' }));
const relative = lazily(() => new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }));

const DAY_MS = 86_400_000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function daysAgo(d: Date, now = new Date()): number {
  return Math.round((startOfDay(now) - startOfDay(d)) / DAY_MS);
}

export function formatTime(d: Date): string {
  return time().format(d);
}

/** The label between two days of messages: Today, Yesterday, a weekday, or a date. */
export function formatDayLabel(d: Date, now = new Date()): string {
  const days = daysAgo(d, now);
  if (days <= 1) {
    const label = relative().format(-days, 'day');
    return label.charAt(0).toUpperCase() + label.slice(1);
  }
  if (days < 7) return weekday().format(d);
  return longDate().format(d);
}

/** The inbox's timestamp: a time today, "Yesterday", a weekday this week, else a date. */
export function formatInboxTime(d: Date, now = new Date()): string {
  const days = daysAgo(d, now);
  if (days === 0) return time().format(d);
  if (days === 1) {
    const label = relative().format(-1, 'day');
    return label.charAt(0).toUpperCase() + label.slice(1);
  }
  if (days < 7) return weekday().format(d);
  return shortDate().format(d);
}

export function isSameDay(a: Date, b: Date): boolean {
  return startOfDay(a) === startOfDay(b);
}

const list = lazily(() => new Intl.ListFormat(undefined, { style: 'long', type: 'conjunction' }));

/** "Alice is typing…", "Alice and Bob are typing…", "3 people are typing…". */
export function typingLabel(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length > 3) return `${names.length} people are typing…`;
  return `${list().format(names)} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

/** "last seen today at 21:04", "last seen yesterday at 9:15", "last seen Monday at…", "last seen 3 March at…". */
export function formatLastSeen(d: Date, now = new Date()): string {
  const days = daysAgo(d, now);
  const day = days <= 1 ? relative().format(-days, 'day') : days < 7 ? weekday().format(d) : shortDate().format(d);
  return `last seen ${day} at ${time().format(d)}`;
}

/** "Active now", or "Last active today at 21:04" and so on (a signed-in device, a token). */
export function formatLastActive(d: Date, now = new Date()): string {
  return now.getTime() - d.getTime() < 2 * 60_000 ? 'Active now' : `Last active ${formatLastSeen(d, now).slice('last seen '.length)}`;
}
