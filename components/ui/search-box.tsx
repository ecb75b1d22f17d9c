'use client';
// The search box of the chat list, a chat's search panel and the people picker: a labelled search
// input with its icon, ringed while it has the focus.
import type { RefObject } from 'react';
import { SearchIcon } from './icons.tsx';

export function SearchBox({ label, value, onChange, placeholder, inputRef, onPanel = false }: {
  /** Its accessible name (the placeholder says less). */
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  /** On a panel's background rather than the app's. */
  onPanel?: boolean;
}) {
  return (
    <label className={`flex items-center gap-2 rounded-lg px-3 py-1.5 focus-within:ring-2 focus-within:ring-brand/50 dark:focus-within:ring-emerald-400/60 ${
      onPanel ? 'bg-surface-panel dark:bg-surface-panel-dark' : 'bg-surface dark:bg-surface-dark'
    }`}>
      <SearchIcon className="h-4 w-4 text-neutral-600 dark:text-neutral-400" />
      <span className="sr-only">{label}</span>
      <input ref={inputRef} type="search" value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder}
        className="w-full bg-transparent py-1 text-[15px] outline-none placeholder:text-neutral-600 dark:placeholder:text-neutral-400" />
    </label>
  );
}
