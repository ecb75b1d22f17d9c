'use client';
// A modal dialog on the browser's own <dialog>: focus stays inside, Esc and a click outside close it,
// and focus goes back where it was.
import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { errorMessage } from '@/lib/api-errors.ts';

/** Shows a <dialog> as modal while mounted; closed, the focus goes back to what had it before. */
export function useModal(ref: RefObject<HTMLDialogElement | null>): void {
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, [ref]);
}

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useModal(ref);
  return (
    <dialog ref={ref} aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      // The dialog element itself is only hit outside its content (the content fills it): the backdrop.
      onClick={(e) => e.target === ref.current && onClose()}
      className="m-auto w-[min(92vw,420px)] rounded-xl bg-surface-panel p-0 text-neutral-900 shadow-xl backdrop:bg-black/40 dark:bg-surface-panel-dark dark:text-neutral-100">
      <div className="p-5">
        <h2 id={titleId} className="mb-3 text-lg font-medium">{title}</h2>
        {children}
      </div>
    </dialog>
  );
}

/** The buttons at a dialog's foot: the safe choice first, the one that acts last and emphasised. */
export function DialogActions({ children }: { children: ReactNode }) {
  return <div className="mt-5 flex flex-wrap justify-end gap-2">{children}</div>;
}

export const dialogButton = {
  quiet: 'rounded-full px-4 py-2 text-sm font-medium text-brand hover:bg-brand/10 dark:text-emerald-400 dark:hover:bg-white/10',
  main: 'rounded-full bg-brand px-4 py-2 text-sm font-medium text-white hover:bg-brand-dark disabled:opacity-60',
  danger: 'rounded-full bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60',
  quietDanger: 'rounded-full px-4 py-2 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-700/40 hover:bg-red-700/10 disabled:opacity-60 dark:text-red-300 dark:ring-red-300/40 dark:hover:bg-white/10',
};

type Confirmation = { label: string; /** When it fails, the dialog stays open and says why (the server's message). */ run: () => Promise<unknown> };

/**
 * Asks before something that cannot be undone; the safe choice has the focus. `also`: a second way
 * to go ahead (delete for me beside delete for everyone).
 */
export function ConfirmDialog({ title, text, confirmLabel, onConfirm, also, onClose }: {
  title: string;
  text: string;
  confirmLabel: string;
  onConfirm: Confirmation['run'];
  also?: Confirmation;
  onClose: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(action: Confirmation['run']) {
    setBusy(true);
    try {
      await action();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }
  return (
    <Dialog title={title} onClose={onClose}>
      <p className="text-sm text-neutral-700 dark:text-neutral-300">{text}</p>
      {error && <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">{error}</p>}
      <DialogActions>
        <button type="button" autoFocus onClick={onClose} className={dialogButton.quiet}>Cancel</button>
        {also && <button type="button" disabled={busy} onClick={() => void run(also.run)} className={dialogButton.quietDanger}>{also.label}</button>}
        <button type="button" disabled={busy} onClick={() => void run(onConfirm)} className={dialogButton.danger}>{confirmLabel}</button>
      </DialogActions>
    </Dialog>
  );
}
