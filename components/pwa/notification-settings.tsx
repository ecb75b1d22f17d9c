'use client';
// Settings → Notifications: turn web push on or off for this browser, and whether it shows message text.
import { useEffect, useState } from 'react';
import { errorMessage, trpc } from '../trpc.tsx';
import { disableNotifications, enableNotifications, notificationState, type NotificationState } from './service-worker.ts';

const EXPLAIN: Record<NotificationState, string> = {
  unsupported: 'This browser cannot show notifications from Parley.',
  denied: 'Notifications are blocked for this site in your browser’s settings.',
  off: 'Get a notification for new messages while Parley is closed.',
  on: 'New messages notify you on this browser while Parley is closed.',
};

export function NotificationSettings() {
  const utils = trpc.useUtils();
  const me = trpc.users.me.useQuery();
  const [state, setState] = useState<NotificationState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void notificationState().then(setState), []);

  const save = trpc.push.subscribe.useMutation();
  const remove = trpc.push.unsubscribe.useMutation();
  const setPreviews = trpc.push.setPreviews.useMutation({
    onSuccess: ({ previews }) => utils.users.me.setData(undefined, (m) => (m ? { ...m, pushPreviews: previews } : m)),
  });

  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      if (state === 'on') setState(await disableNotifications((endpoint) => remove.mutateAsync({ endpoint })));
      else {
        const { publicKey } = await utils.push.config.fetch();
        setState(await enableNotifications(publicKey, (subscription) => save.mutateAsync(subscription)));
      }
    } catch (err) {
      setError(err instanceof Error && !('data' in err) ? 'Your browser could not set up notifications.' : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="mt-3 border-t border-black/10 pt-3 dark:border-white/10">
      <legend className="sr-only">Notifications</legend>
      <div className="flex items-center justify-between gap-2">
        <span className="font-medium">Notifications</span>
        {state && state !== 'unsupported' && state !== 'denied' && (
          <button
            type="button"
            onClick={() => void toggle()}
            disabled={busy}
            className="rounded-md bg-brand px-2.5 py-1 text-xs font-medium text-white hover:bg-brand-dark disabled:opacity-60"
          >
            {state === 'on' ? 'Turn off' : 'Turn on'}
          </button>
        )}
      </div>
      <p className="mt-1 text-xs text-neutral-600 dark:text-neutral-400">{state ? EXPLAIN[state] : 'Checking…'}</p>
      {error && <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-300">{error}</p>}
      <label className="mt-2 flex items-center gap-2">
        <input
          type="checkbox"
          className="h-4 w-4 accent-brand"
          checked={me.data?.pushPreviews ?? true}
          disabled={!me.data || setPreviews.isPending}
          onChange={(e) => setPreviews.mutate({ previews: e.target.checked })}
        />
        <span>Show message text in notifications</span>
      </label>
    </fieldset>
  );
}
