'use client';
// A value shown as text, with an Edit button (when editable) that turns it into a field with Save and
// Cancel: a group's name and description, one's own name and about line. Esc cancels the edit.
import { useState, type ReactNode } from 'react';
import { errorMessage } from '@/lib/api-errors.ts';

export function EditableText({ label, value, editable, maxLength, multiline = false, onSave, children }: {
  label: string;
  value: string;
  editable: boolean;
  maxLength: number;
  multiline?: boolean;
  onSave: (value: string) => Promise<unknown>;
  children: ReactNode;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (draft === null) {
    return (
      <div className="flex w-full items-start justify-center gap-2">
        <div className="min-w-0 flex-1">{children}</div>
        {editable && (
          <button type="button" onClick={() => { setDraft(value); setError(null); }} aria-label={`Edit ${label.toLowerCase()}`}
            className="shrink-0 rounded px-2 py-0.5 text-sm text-brand hover:bg-black/5 dark:text-emerald-400 dark:hover:bg-white/10">
            Edit
          </button>
        )}
      </div>
    );
  }
  const Field = multiline ? 'textarea' : 'input';
  return (
    <form className="w-full text-left" onSubmit={(e) => {
      e.preventDefault();
      onSave(draft).then(() => setDraft(null), (err: unknown) => setError(errorMessage(err)));
    }}>
      <label className="block">
        <span className="sr-only">{label}</span>
        <Field value={draft} maxLength={maxLength} autoFocus onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.preventDefault(); // the edit, not the panel around it (panes skip a handled Esc)
            setDraft(null);
          }}
          className="w-full resize-none rounded-md border border-brand bg-white px-3 py-2 outline-none dark:bg-neutral-900" />
      </label>
      {error && <p role="alert" className="mt-1 text-sm text-red-600">{error}</p>}
      <div className="mt-2 flex justify-end gap-3">
        <button type="button" onClick={() => setDraft(null)} className="text-sm text-neutral-600 underline dark:text-neutral-300">Cancel</button>
        <button type="submit" className="rounded-full bg-brand px-4 py-1 text-sm font-medium text-white">Save</button>
      </div>
    </form>
  );
}
