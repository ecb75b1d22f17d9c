'use client';
// The message a reply quotes: its sender and the start of its text, above the reply (a click jumps to
// it) and above the composer while writing one.
import type { Quote } from '@/lib/schemas.ts';
import { nameColour } from '../ui/people.ts';

export function QuoteBlock({ quote, name, onOpen }: { quote: Quote; name: string; onOpen?: () => void }) {
  const content = (
    <>
      <span className={`block text-[13px] font-semibold ${nameColour(quote.senderId)}`}>{name}</span>
      <span dir="auto" className={`line-clamp-2 whitespace-pre-wrap text-sm text-neutral-700 [overflow-wrap:anywhere] dark:text-neutral-300 ${quote.deleted ? 'italic' : ''}`}>
        {quote.deleted ? 'This message was deleted' : quote.body}
      </span>
    </>
  );
  // Lighter than the bubble (darker in dark mode), so the sender's colour keeps its contrast.
  const frame = 'block w-full min-w-0 rounded-md border-l-4 border-current bg-white/60 px-2 py-1 text-left dark:bg-black/25';
  return onOpen ? (
    <button type="button" onClick={onOpen} aria-label={`Reply to ${name}: show the message`} className={`${frame} ${nameColour(quote.senderId)} mb-1 hover:bg-white/90 dark:hover:bg-black/40`}>
      {content}
    </button>
  ) : (
    <div className={`${frame} ${nameColour(quote.senderId)}`}>{content}</div>
  );
}
