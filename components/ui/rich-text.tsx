// Message text on screen: WhatsApp's formatting and links (components/ui/message-text.ts), as React
// text, never HTML.
import { Fragment } from 'react';
import { parseMessageText, type Style } from './message-text.ts';

const STYLE_CLASS: Record<Style, string> = { bold: 'font-semibold', italic: 'italic', strike: 'line-through' };

export function MessageText({ text }: { text: string }) {
  return (
    <>
      {parseMessageText(text).map((part, i) =>
        part.kind === 'code' ? (
          <code key={i} className="rounded bg-black/5 px-1 font-mono text-[0.9em] dark:bg-white/10">{part.text}</code>
        ) : part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow" className="text-sky-700 underline dark:text-sky-300">
            {part.text}
          </a>
        ) : part.styles.length ? (
          <span key={i} className={part.styles.map((s) => STYLE_CLASS[s]).join(' ')}>{part.text}</span>
        ) : (
          <Fragment key={i}>{part.text}</Fragment>
        ),
      )}
    </>
  );
}
