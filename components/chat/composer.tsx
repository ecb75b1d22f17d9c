'use client';
// The composer: Enter sends, Shift+Enter starts a new line; empty and oversized messages are refused
// here too. The emoji button opens the picker above it; a pick goes in where the cursor was. Files
// come from the attach button, a paste or a drop on the chat: they wait in a tray above the box
// (the text becomes the first one's caption) until sent.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatDuration, formatSize } from '@/lib/media.ts';
import type { Recording, VoiceRecorder } from '../media/voice-recorder.ts';
import { MAX_MESSAGE_LENGTH } from '@/lib/limits.ts';
import type { Quote } from '@/lib/schemas.ts';
import { QuoteBlock } from '../messages/quote.tsx';
import { EmojiPicker } from '../ui/emoji-picker.tsx';
import { CloseIcon, FileIcon, MicIcon, PaperclipIcon, SendIcon, SmileyIcon, TrashIcon } from '../ui/icons.tsx';
import { Menu } from '../ui/menu.tsx';
import { useDismiss } from '../ui/use-dismiss.ts';

const MAX_ROWS_PX = 160;

export function Composer({ conversationId, draft = '', onDraftChange, replyTo, onCancelReply, attachments = [], onAttach, onRemoveAttachment, onShareLocation, onSend, onVoice, onTyping, onStopTyping }: {
  conversationId: string;
  /** The text left unsent in this chat last time; every change is handed to onDraftChange. */
  draft?: string;
  onDraftChange?: (text: string) => void;
  /** The message being replied to, with its sender's name; Esc or the × cancels. */
  replyTo?: { quote: Quote; name: string } | null;
  onCancelReply?: () => void;
  /** Files picked to send, in order; the text goes with the first as its caption. */
  attachments?: File[];
  onAttach?: (files: File[]) => void;
  onRemoveAttachment?: (index: number) => void;
  /** Opens the way to share a place. */
  onShareLocation?: () => void;
  onSend: (body: string) => void;
  /** A voice note recorded here (the microphone button, while the box is empty). */
  onVoice?: (recording: Recording) => void;
  /** Called on every edit that leaves text in the box (throttled by the caller). */
  onTyping?: () => void;
  /** Called when typing ends: the message was sent, the box emptied, or focus left. */
  onStopTyping?: () => void;
}) {
  const [body, setBodyState] = useState(draft);
  const setBody = (text: string) => {
    setBodyState(text);
    onDraftChange?.(text);
  };
  const ref = useRef<HTMLTextAreaElement>(null);
  const [picking, setPicking] = useState(false);
  const pickerButton = useRef<HTMLButtonElement>(null);
  const picker = useRef<HTMLDivElement>(null);
  // Closed from inside it (Esc, the button): typing goes on in the box. A click elsewhere keeps its focus.
  const closePicker = useCallback(() => {
    const inside = picker.current?.contains(document.activeElement) || document.activeElement === pickerButton.current;
    setPicking(false);
    if (inside) ref.current?.focus();
  }, []);
  useDismiss(picking, [picker, pickerButton], closePicker);
  const fileInput = useRef<HTMLInputElement>(null);
  const [attachMenu, setAttachMenu] = useState(false);
  const voice = useVoiceNote(onVoice, () => ref.current?.focus());
  const tooLong = body.length > MAX_MESSAGE_LENGTH;
  const empty = body.trim().length === 0 && attachments.length === 0;

  // Ready to type when a chat opens (where a keyboard is at hand: on a phone it would cover the
  // chat) and when a reply is started.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    grow();
    if (window.matchMedia('(pointer: fine)').matches) {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    }
  }, [conversationId]);
  const replySeq = replyTo?.quote.seq;
  useEffect(() => {
    if (replySeq !== undefined) ref.current?.focus();
  }, [replySeq]);

  function grow() {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_ROWS_PX)}px`;
  }

  function submit() {
    if (empty || tooLong) return;
    onSend(body);
    onStopTyping?.();
    setBody('');
    requestAnimationFrame(grow);
  }

  /** The emoji goes where the cursor is (or over the selection); the picker stays open for more. */
  function insert(emoji: string) {
    const el = ref.current;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    const text = body.slice(0, start) + emoji + body.slice(end);
    setBody(text);
    onTyping?.();
    requestAnimationFrame(() => {
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
      grow();
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Escape' && replyTo) {
      e.preventDefault();
      onCancelReply?.();
      return;
    }
    if (e.key === 'Escape' && attachments.length) {
      e.preventDefault();
      for (let i = attachments.length - 1; i >= 0; i--) onRemoveAttachment?.(i);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  if (voice.recording) {
    return (
      <div className="flex shrink-0 items-center gap-3 border-t border-black/5 bg-surface px-3 py-2 dark:border-white/5 dark:bg-surface-panel-dark" role="group" aria-label="Recording a voice message">
        <button type="button" onClick={voice.cancel} aria-label="Cancel recording" title="Cancel"
          className="flex h-[42px] w-[42px] shrink-0 items-center justify-center rounded-full text-neutral-600 hover:bg-black/5 dark:text-neutral-300 dark:hover:bg-white/10">
          <TrashIcon className="h-6 w-6" />
        </button>
        <span className="h-2.5 w-2.5 shrink-0 animate-pulse rounded-full bg-red-600" aria-hidden="true" />
        <span role="timer" aria-label="Recording time" className="w-12 shrink-0 text-sm tabular-nums">{formatDuration(voice.elapsedMs)}</span>
        <div className="flex h-8 min-w-0 flex-1 items-center justify-end gap-px overflow-hidden" aria-hidden="true">
          {voice.levels.map((level, i) => (
            <span key={i} className="w-[3px] shrink-0 rounded-full bg-neutral-500 dark:bg-neutral-400" style={{ height: `${Math.max(10, level * 100)}%` }} />
          ))}
        </div>
        <button type="button" onClick={voice.send} aria-label="Send voice message"
          className="flex h-[42px] w-[42px] shrink-0 items-center justify-center rounded-full bg-brand text-white hover:bg-brand-dark">
          <SendIcon className="h-5 w-5" />
        </button>
      </div>
    );
  }

  return (
    <form
      className="relative shrink-0 border-t border-black/5 bg-surface px-3 py-2 dark:border-white/5 dark:bg-surface-panel-dark"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {tooLong && (
        <p role="alert" className="mb-1.5 px-1 text-sm text-red-600 dark:text-red-400">
          Message is too long: {body.length.toLocaleString()} of {MAX_MESSAGE_LENGTH.toLocaleString()} characters.
        </p>
      )}
      {replyTo && (
        <div className="mb-2 flex items-start gap-2">
          <div className="min-w-0 flex-1">
            <QuoteBlock quote={replyTo.quote} name={replyTo.name} />
          </div>
          <button type="button" onClick={onCancelReply} aria-label="Cancel reply"
            className="rounded-full p-1.5 text-neutral-600 hover:bg-black/5 dark:text-neutral-300 dark:hover:bg-white/10">
            <CloseIcon className="h-5 w-5" />
          </button>
        </div>
      )}
      {attachments.length > 0 && (
        <ul aria-label="Files to send" className="mb-2 flex gap-2 overflow-x-auto pb-1">
          {attachments.map((file, i) => (
            <AttachmentChip key={`${file.name}-${file.size}-${i}`} file={file} onRemove={() => onRemoveAttachment?.(i)} />
          ))}
        </ul>
      )}
      {picking && (
        <div ref={picker} role="dialog" aria-label="Emoji" className="absolute bottom-full left-2 z-20 mb-2">
          <EmojiPicker onPick={insert} />
        </div>
      )}
      <div className="flex items-end gap-2">
        <button type="button" ref={pickerButton} aria-label="Emoji" aria-expanded={picking} title="Emoji"
          onClick={() => (picking ? closePicker() : setPicking(true))}
          className={`flex h-[42px] w-[42px] shrink-0 items-center justify-center rounded-full text-neutral-600 hover:bg-black/5 dark:text-neutral-300 dark:hover:bg-white/10 ${picking ? 'bg-black/5 dark:bg-white/10' : ''}`}>
          <SmileyIcon className="h-6 w-6" />
        </button>
        {onAttach && (
          <>
            <Menu label="Attach" buttonLabel="Attach" open={attachMenu} onOpenChange={setAttachMenu}
              icon={<PaperclipIcon className="h-6 w-6" />} buttonClassName="flex h-[42px] w-[42px] items-center justify-center"
              items={[
                { label: 'Photos, videos and files', run: () => fileInput.current?.click() },
                ...(onShareLocation ? [{ label: 'Location', run: onShareLocation }] : []),
              ]} />
            <input ref={fileInput} type="file" multiple hidden aria-label="Files to attach"
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = '';
                if (files.length) onAttach(files);
                ref.current?.focus();
              }} />
          </>
        )}
        <textarea
          ref={ref}
          rows={1}
          value={body}
          aria-label="Message"
          aria-invalid={tooLong || undefined}
          placeholder={attachments.length ? 'Add a caption' : 'Type a message'}
          onChange={(e) => {
            setBody(e.target.value);
            if (e.target.value.trim()) onTyping?.();
            else onStopTyping?.();
            grow();
          }}
          onBlur={() => onStopTyping?.()}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (!files.length || !onAttach) return;
            e.preventDefault();
            onAttach(files);
          }}
          onKeyDown={onKeyDown}
          className="max-h-40 min-h-[42px] flex-1 resize-none rounded-xl bg-white px-4 py-2.5 text-[15px] leading-snug outline-none ring-1 ring-black/5 focus:ring-brand/40 aria-[invalid]:ring-red-500 dark:bg-neutral-800 dark:ring-white/10"
        />
        {empty && onVoice && voice.available ? (
          <button type="button" aria-label="Record voice message" title="Record a voice message (hold, or tap to start)" {...voice.micProps}
            className="flex h-[42px] w-[42px] shrink-0 touch-none select-none items-center justify-center rounded-full bg-brand text-white transition hover:bg-brand-dark">
            <MicIcon className="h-5 w-5" />
          </button>
        ) : (
        <button
          type="submit"
          aria-label="Send"
          disabled={empty || tooLong}
          className="flex h-[42px] w-[42px] shrink-0 items-center justify-center rounded-full bg-brand text-white transition hover:bg-brand-dark disabled:bg-neutral-300 disabled:text-neutral-500 dark:disabled:bg-neutral-700"
        >
          <SendIcon className="h-5 w-5" />
        </button>
        )}
      </div>
      {voice.error && <p role="alert" className="mt-1.5 px-1 text-sm text-red-600 dark:text-red-400">{voice.error}</p>}
    </form>
  );
}

/** Held this long, the microphone records while pressed and sends on release; a tap starts a recording that waits for Send. */
const HOLD_MS = 400;
/** Live bars shown while recording (the newest on the right). */
const LIVE_BARS = 48;

/** Recording a voice note from the composer: tap to start (then send or cancel), or hold and release. */
function useVoiceNote(onVoice: ((recording: Recording) => void) | undefined, refocus: () => void) {
  const recorder = useRef<VoiceRecorder | null>(null);
  const [recording, setRecording] = useState(false);
  const [, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // Known in the browser only (the server's render and the first one here say no).
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    setAvailable(typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia);
    return () => recorder.current?.cancel();
  }, []);

  async function start() {
    if (recorder.current) return;
    setError(null);
    setRecording(true);
    try {
      // Loaded with the first recording: most visits record nothing.
      const { VoiceRecorder } = await import('../media/voice-recorder.ts');
      const r = new VoiceRecorder();
      recorder.current = r;
      await r.start(() => setTick((t) => t + 1));
    } catch (err) {
      recorder.current = null;
      setRecording(false);
      setError(err instanceof DOMException && err.name === 'NotAllowedError'
        ? 'Parley may not use the microphone: allow it in the browser to record voice messages.'
        : 'No microphone could be used to record.');
    }
  }
  async function send() {
    const r = recorder.current;
    if (!r) return;
    recorder.current = null;
    setRecording(false);
    const note = await r.stop();
    // A slip of the finger is not a message.
    if (note.durationMs >= 500 && note.file.size > 0) onVoice?.(note);
    refocus();
  }
  function cancel() {
    recorder.current?.cancel();
    recorder.current = null;
    setRecording(false);
    refocus();
  }
  const micProps = {
    onPointerDown: (e: React.PointerEvent) => {
      if (e.button !== 0) return;
      const pressed = performance.now();
      // The button makes way for the recording row at once: the release is heard on the window.
      window.addEventListener('pointerup', () => performance.now() - pressed >= HOLD_MS && void send(), { once: true });
      void start();
    },
    // Keyboard (Enter, Space): a click with no pointer behind it (detail 0).
    onClick: (e: React.MouseEvent) => e.detail === 0 && void start(),
  };
  const levels = recorder.current?.levels.slice(-LIVE_BARS) ?? [];
  return { available, recording, elapsedMs: recorder.current?.elapsedMs() ?? 0, levels, error, send, cancel, micProps };
}

/** A file waiting in the tray: a picture's thumbnail, or the file's name and size; × takes it out. */
function AttachmentChip({ file, onRemove }: { file: File; onRemove: () => void }) {
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => {
    if (!file.type.startsWith('image/')) return;
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);
  return (
    <li className={`relative flex h-16 shrink-0 items-center gap-2 rounded-lg bg-black/5 dark:bg-white/10 ${preview ? '' : 'pr-8'}`}>
      {preview ? (
        <img src={preview} alt={file.name} className="h-16 w-16 rounded-lg object-cover" />
      ) : (
        <span className="flex max-w-[11rem] items-center gap-2 pl-2">
          <FileIcon className="h-7 w-7 shrink-0 text-neutral-600 dark:text-neutral-300" />
          <span className="min-w-0">
            <span className="block truncate text-sm">{file.name}</span>
            <span className="block text-xs text-neutral-600 dark:text-neutral-300">{formatSize(file.size)}</span>
          </span>
        </span>
      )}
      <button type="button" onClick={onRemove} aria-label={`Remove ${file.name}`} title="Remove"
        className="absolute right-1 top-1 rounded-full bg-white/90 p-0.5 text-neutral-700 shadow hover:bg-white dark:bg-neutral-800 dark:text-neutral-200">
        <CloseIcon className="h-4 w-4" />
      </button>
    </li>
  );
}
