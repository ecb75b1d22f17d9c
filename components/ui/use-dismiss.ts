'use client';
// Popovers and menus close as people expect: Esc, or a press anywhere outside them.
import { useEffect, useRef, type RefObject } from 'react';

/** While `open`, calls onDismiss on Esc or on a pointer press outside every element in `inside`. */
export function useDismiss(open: boolean, inside: RefObject<HTMLElement | null>[], onDismiss: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      onDismiss();
    };
    const onPointer = (e: PointerEvent) => {
      if (!inside.some((r) => r.current?.contains(e.target as Node))) onDismiss();
    };
    // Captured, so the innermost popover takes the Esc before a panel under it (which checks defaultPrevented).
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', onPointer, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', onPointer, true);
    };
    // `inside` holds refs: their identity does not change between renders that matter here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, onDismiss]);
}

/**
 * A pane that Esc closes (a side panel, a settings page), opened with the focus on `focus`. A menu or
 * dialog open above it takes its own Esc first.
 */
export function usePaneEscape(onClose: () => void, focus: RefObject<HTMLElement | null>): void {
  const latest = useRef(onClose);
  latest.current = onClose;
  useEffect(() => {
    focus.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
    // `focus` is a ref: the first render's element is the one to focus.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}
