'use client';
// Message info: who has one of your messages read, who has it delivered, and who is still waiting.
import type { ReactNode } from 'react';
import type { Message, UserSummary } from '@/lib/schemas.ts';
import { errorMessage, trpc } from '../trpc.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { formatDayLabel, formatTime } from '../ui/format.ts';
import { DoubleTickIcon, TickIcon } from '../ui/icons.tsx';
import { MessageText } from '../ui/rich-text.tsx';
import { SidePanel } from '../ui/side-panel.tsx';

// Receipts of other members do not reach the sender one by one (only when all have moved): look again now and then.
const REFRESH_MS = 5_000;

export function MessageInfo({ conversationId, message, onClose }: { conversationId: string; message: Message | undefined; onClose: () => void }) {
  const seq = message?.seq ?? 0;
  const info = trpc.messages.info.useQuery({ conversationId, seq }, { enabled: seq > 0, refetchInterval: REFRESH_MS });
  return (
    <SidePanel title="Message info" onClose={onClose}>
      {message && (
        <div className="chat-wallpaper flex justify-end px-4 py-6">
          <p dir="auto" className="max-w-[85%] whitespace-pre-wrap rounded-lg rounded-tr-none bg-bubble-out px-2.5 py-1.5 text-[15px] shadow-sm [overflow-wrap:anywhere] dark:bg-bubble-out-dark">
            <MessageText text={message.body} />
            <span className="ml-2 text-[11px] text-neutral-600 dark:text-neutral-300">{formatTime(message.createdAt)}</span>
          </p>
        </div>
      )}
      {info.isPending ? (
        <p className="px-6 py-4 text-sm text-neutral-600 dark:text-neutral-400" aria-busy="true">Loading…</p>
      ) : info.isError ? (
        <p role="alert" className="px-6 py-4 text-sm text-red-600">{errorMessage(info.error)}</p>
      ) : (
        <>
          <Section label="Read by" icon={<DoubleTickIcon className="h-4 w-[18px] text-tick-read" />} people={info.data.read}
            empty="Nobody has read it yet." />
          <Section label="Delivered to" icon={<DoubleTickIcon className="h-4 w-[18px] text-neutral-600 dark:text-neutral-400" />} people={info.data.delivered}
            empty={info.data.read.length ? 'Everyone it reached has read it.' : 'It has not reached anyone yet.'} />
          {info.data.waiting.length > 0 && (
            <Section label="Not delivered yet" icon={<TickIcon className="h-4 w-4 text-neutral-600 dark:text-neutral-400" />}
              people={info.data.waiting.map((user) => ({ user, at: null }))} empty="" />
          )}
        </>
      )}
    </SidePanel>
  );
}

function Section({ label, icon, people, empty }: {
  label: string;
  icon: ReactNode;
  people: { user: UserSummary; at: Date | null }[];
  empty: string;
}) {
  return (
    <section aria-label={label} className="mt-2 bg-surface-panel py-3 dark:bg-surface-panel-dark">
      <h3 className="flex items-center gap-2 px-6 pb-1 text-sm font-medium text-neutral-600 dark:text-neutral-300">{icon}{label}</h3>
      {people.length === 0 ? (
        <p className="px-6 py-2 text-sm text-neutral-600 dark:text-neutral-400">{empty}</p>
      ) : (
        <ul>
          {people.map(({ user, at }) => (
            <li key={user.id} className="flex items-center gap-3 px-6 py-2">
              <Avatar id={user.id} name={user.displayName} size="sm" photo={user.photo} />
              <span className="min-w-0 flex-1 truncate">{user.displayName}</span>
              {at && (
                <time dateTime={at.toISOString()} className="shrink-0 text-xs text-neutral-600 dark:text-neutral-400">
                  {formatDayLabel(at)}, {formatTime(at)}
                </time>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
