'use client';
// One message as a bubble: text (or "deleted"), edited mark, time and ticks, its menu and reactions;
// and a send still on its way, with retry and delete when it failed.
import { useState, type ReactNode } from 'react';
import type { Message } from '@/lib/schemas.ts';
import type { PendingMessage } from '@/lib/sync/message-store.ts';
import { formatTime } from '../ui/format.ts';
import { AlertIcon, BlockedIcon, ClockIcon, DoubleTickIcon, ForwardIcon, TickIcon } from '../ui/icons.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { isEmojiOnly } from '@/lib/emoji.ts';
import { MessageText } from '../ui/rich-text.tsx';
import { nameColour, type NameOf, type PhotoOf } from '../ui/people.ts';
import { useMenuGestures } from '../ui/menu.tsx';
import { MessageMenu, type MessageActions } from './message-menu.tsx';
import { QuoteBlock } from './quote.tsx';
import { Reactions } from './reactions.tsx';
import { MessageMedia, PendingMedia } from '../media/media-view.tsx';
import { LocationCard } from '../media/location.tsx';

export type TickStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * The bubble's shape and colour; its footer (time, ticks) sits in the bottom right corner. Only the
 * first bubble of a run from one sender has the tail (a square corner at the top).
 */
function Frame({ mine, sender, footer, tail = true, children }: { mine: boolean; sender?: { id: string; name: string }; footer: ReactNode; tail?: boolean; children: ReactNode }) {
  const corner = tail ? (mine ? 'rounded-tr-none' : 'rounded-tl-none') : '';
  return (
    <div className={`relative min-w-0 rounded-lg px-2.5 pb-1.5 pt-1.5 text-[15px] shadow-sm ${corner} ${
      mine ? 'bg-bubble-out dark:bg-bubble-out-dark' : 'bg-bubble-in dark:bg-bubble-in-dark'
    }`}>
      {sender && <p className={`mb-0.5 text-[13px] font-semibold ${nameColour(sender.id)}`}>{sender.name}</p>}
      {children}
      <span className="absolute bottom-1 right-2 flex items-center gap-1 text-[11px] text-neutral-600 dark:text-neutral-300">{footer}</span>
    </div>
  );
}

/** The text with room at its end for the footer, so the time never overlaps the last line. */
function Body({ children, footerWidth, large = false }: { children: ReactNode; footerWidth: string; large?: boolean }) {
  return (
    <p dir="auto" className={`whitespace-pre-wrap [overflow-wrap:anywhere] ${large ? 'text-[2.5rem] leading-tight' : ''}`}>
      {children}
      <span className={`inline-block ${footerWidth}`} aria-hidden="true" />
    </p>
  );
}

export function MessageBubble({ message, mine, status, sender, first = true, avatar = false, meId, nameOf, photoOf, actions, highlighted = false }: {
  message: Message;
  mine: boolean;
  /** The first of a run of messages from one sender: the tail, and a little more room above. */
  first?: boolean;
  /** In groups, incoming runs carry their sender's initials beside the first bubble (room kept beside the rest). */
  avatar?: boolean;
  /** Just jumped to (from a reply's quote): briefly marked. */
  highlighted?: boolean;
  status: TickStatus;
  /** In groups, the first of a run of someone else's messages is labelled with their name. */
  sender?: { id: string; name: string };
  meId: string;
  nameOf: NameOf;
  photoOf?: PhotoOf;
  actions: MessageActions;
}) {
  const [menuOpen, setMenuOpen] = useState(false);
  const gestures = useMenuGestures(() => setMenuOpen(true));
  const at = message.createdAt;
  const menu = <MessageMenu message={message} mine={mine} meId={meId} actions={actions} open={menuOpen} onOpenChange={setMenuOpen} />;
  const footer = (
    <>
      {message.edited && <span>Edited</span>}
      <time dateTime={at.toISOString()}>{formatTime(at)}</time>
      {mine && !message.deleted && <Tick status={status} />}
    </>
  );
  const footerWidth = `${message.edited ? (mine ? 'w-[8.5rem]' : 'w-28') : mine ? 'w-[5.5rem]' : 'w-16'}`;
  return (
    <li className={`group/row flex flex-col rounded-lg transition-colors duration-700 ${mine ? 'items-end' : 'items-start'} ${first ? 'pt-1.5' : ''} ${
      highlighted ? 'bg-brand/20 dark:bg-emerald-400/20' : ''
    }`} data-seq={message.seq}>
      <div className={`flex max-w-[92%] items-center gap-1 sm:max-w-[70%] ${mine ? 'flex-row' : 'flex-row-reverse'}`} {...gestures}>
        {menu}
        <Frame mine={mine} sender={sender} footer={footer} tail={first}>
          {message.forwarded && !message.deleted && <Forwarded />}
          {message.replyTo && !message.deleted && (
            <QuoteBlock quote={message.replyTo} name={nameOf(message.replyTo.senderId) ?? 'Former member'} onOpen={() => actions.show(message.replyTo!.seq)} />
          )}
          {message.deleted ? (
            <Body footerWidth="w-16">
              <span className="inline-flex items-center gap-1.5 italic text-neutral-600 dark:text-neutral-300">
                <BlockedIcon className="h-4 w-4" />
                {mine ? 'You deleted this message' : 'This message was deleted'}
              </span>
            </Body>
          ) : (
            <>
              {message.media && (
                <div className={message.body ? 'mb-1' : 'mb-5'}>
                  <MessageMedia media={message.media} onOpen={message.media.kind === 'image' ? () => actions.openPhoto(message) : undefined} />
                </div>
              )}
              {message.location && (
                <div className={message.body ? 'mb-1' : 'mb-5'}>
                  <LocationCard location={message.location} />
                </div>
              )}
              {(message.body || !(message.media || message.location)) && (
                <Body footerWidth={footerWidth} large={!message.media && isEmojiOnly(message.body)}>
                  <MessageText text={message.body} />
                </Body>
              )}
            </>
          )}
        </Frame>
        {avatar && (
          <span className="w-7 shrink-0 self-start">
            {first && <Avatar id={message.senderId} name={nameOf(message.senderId) ?? '?'} size="xs" photo={photoOf?.(message.senderId)} />}
          </span>
        )}
      </div>
      {message.reactions && (
        <div className={`relative z-[1] mb-1 px-2 ${avatar ? 'pl-10' : ''}`}>
          <Reactions reactions={message.reactions} meId={meId} nameOf={nameOf} mine={mine} onRemove={() => actions.react(message, null)} />
        </div>
      )}
    </li>
  );
}

export function PendingBubble({ pending, nameOf, onRetry, onDiscard }: { pending: PendingMessage; nameOf: NameOf; onRetry: () => void; onDiscard: () => void }) {
  const at = pending.createdAt;
  const footer = (
    <>
      <time dateTime={at.toISOString()}>{formatTime(at)}</time>
      <Tick status={pending.status} />
    </>
  );
  return (
    <li className="flex justify-end">
      <div className="max-w-[92%] sm:max-w-[70%]">
        <Frame mine footer={footer}>
          {pending.forwarded && <Forwarded />}
          {pending.replyTo && <QuoteBlock quote={pending.replyTo} name={nameOf(pending.replyTo.senderId) ?? 'Former member'} />}
          {pending.attachment && (
            <div className={pending.body ? 'mb-1' : 'mb-5'}>
              <PendingMedia attachment={pending.attachment} sending={pending.status === 'sending'} onCancel={onDiscard} />
            </div>
          )}
          {pending.media && (
            <div className={pending.body ? 'mb-1' : 'mb-5'}>
              <MessageMedia media={pending.media} />
            </div>
          )}
          {pending.location && (
            <div className={pending.body ? 'mb-1' : 'mb-5'}>
              <LocationCard location={pending.location} />
            </div>
          )}
          {(pending.body || !(pending.attachment || pending.media || pending.location)) && (
            <Body footerWidth="w-[5.5rem]">
              <MessageText text={pending.body} />
            </Body>
          )}
          {pending.status === 'failed' && (
            <div role="alert" className="mt-1 flex flex-wrap items-center gap-2 border-t border-black/10 pt-1 text-xs text-red-700 dark:border-white/10 dark:text-red-300">
              <span>Not sent: {pending.error}</span>
              <button type="button" onClick={onRetry} className="font-semibold underline">Retry</button>
              <button type="button" onClick={onDiscard} className="font-semibold underline">Delete</button>
            </div>
          )}
        </Frame>
      </div>
    </li>
  );
}

function Forwarded() {
  return (
    <p className="mb-0.5 flex items-center gap-1 text-xs italic text-neutral-600 dark:text-neutral-300">
      <ForwardIcon className="h-3.5 w-3.5" />
      Forwarded
    </p>
  );
}

const TICK_LABEL: Record<TickStatus, string> = { sending: 'Pending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent' };

/** WhatsApp's ticks: a clock while pending, one tick sent, two delivered, two coloured read. */
function Tick({ status }: { status: TickStatus }) {
  const icon =
    status === 'sending' ? <ClockIcon className="h-3.5 w-3.5" />
    : status === 'failed' ? <AlertIcon className="h-3.5 w-3.5 text-red-600" />
    : status === 'sent' ? <TickIcon className="h-4 w-4" />
    : <DoubleTickIcon className={`h-4 w-[18px] ${status === 'read' ? 'text-tick-read' : ''}`} />;
  return (
    <span role="img" aria-label={TICK_LABEL[status]} title={TICK_LABEL[status]} data-status={status} className="inline-flex">
      {icon}
    </span>
  );
}
