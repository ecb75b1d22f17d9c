'use client';
// Media inside a bubble: a photo (its blurred placeholder at its final size until the thumbnail is
// here, so nothing moves), a video or a recording that plays inline, a file to download; the same
// for a file still on its way, with its progress and a way to stop it. And the full-screen viewer.
import { decode } from 'blurhash';
import { useMemo, useRef, useState, type CSSProperties } from 'react';
import { downloadUrl, formatDuration, formatSize, mediaUrl, thumbnailUrl, type MediaSummary } from '@/lib/media.ts';
import type { PendingAttachment } from '@/lib/sync/message-store.ts';
import { useModal } from '../ui/dialog.tsx';
import { formatTime } from '../ui/format.ts';
import type { NameOf } from '../ui/people.ts';
import { ChevronLeftIcon, ChevronRightIcon, CloseIcon, DownloadIcon, FileIcon, MicIcon, PauseIcon, PlayIcon, VideoIcon } from '../ui/icons.tsx';

const MAX_WIDTH = 280;
const MAX_HEIGHT = 340;

/** The box a picture or video is shown in: its own shape, at most MAX_WIDTH × MAX_HEIGHT. */
function boxOf(width?: number, height?: number): { width: number; height: number } {
  if (!width || !height) return { width: MAX_WIDTH, height: Math.round((MAX_WIDTH * 9) / 16) };
  const scale = Math.min(1, MAX_WIDTH / width, MAX_HEIGHT / height);
  return { width: Math.max(120, Math.round(width * scale)), height: Math.max(80, Math.round(height * scale)) };
}

/** A blurhash as a tiny picture (a data: URL) to stretch under the real one. */
function useBlurhash(hash: string | undefined): string | undefined {
  return useMemo(() => {
    if (!hash || typeof document === 'undefined') return undefined;
    try {
      const pixels = decode(hash, 32, 32);
      const canvas = document.createElement('canvas');
      canvas.width = 32;
      canvas.height = 32;
      const context = canvas.getContext('2d');
      if (!context) return undefined;
      const image = context.createImageData(32, 32);
      image.data.set(pixels);
      context.putImageData(image, 0, 0);
      return canvas.toDataURL();
    } catch {
      return undefined;
    }
  }, [hash]);
}

function Photo({ src, alt, width, height, blurhash, onOpen }: { src: string; alt: string; width?: number; height?: number; blurhash?: string; onOpen?: () => void }) {
  const box = boxOf(width, height);
  const placeholder = useBlurhash(blurhash);
  const style: CSSProperties = { width: box.width, height: box.height, ...(placeholder && { backgroundImage: `url(${placeholder})`, backgroundSize: 'cover' }) };
  const image = <img src={src} alt={alt} width={box.width} height={box.height} className="h-full w-full rounded-md object-cover" />;
  return onOpen ? (
    <button type="button" onClick={onOpen} aria-label={`Open ${alt}`} className="block overflow-hidden rounded-md bg-black/10" style={style}>
      {image}
    </button>
  ) : (
    <div className="overflow-hidden rounded-md bg-black/10" style={style}>{image}</div>
  );
}

function FileCard({ name, size, mime, href }: { name: string; size: number; mime?: string; href?: string }) {
  const type = (name.includes('.') ? name.split('.').pop()! : (mime?.split('/')[1] ?? 'file')).toUpperCase().slice(0, 8);
  return (
    <div className="flex w-64 max-w-full items-center gap-3 rounded-md bg-black/5 p-2.5 dark:bg-white/5">
      <FileIcon className="h-8 w-8 shrink-0 text-neutral-600 dark:text-neutral-300" />
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium" title={name}>{name}</span>
        <span className="block text-xs text-neutral-600 dark:text-neutral-300">{type} · {formatSize(size)}</span>
      </span>
      {href && (
        <a href={href} download={name} aria-label={`Download ${name}`} title="Download"
          className="rounded-full p-2 text-neutral-600 hover:bg-black/10 dark:text-neutral-300 dark:hover:bg-white/10">
          <DownloadIcon className="h-5 w-5" />
        </a>
      )}
    </div>
  );
}

function Recording({ src, durationMs }: { src: string; durationMs?: number }) {
  return (
    <div className="flex w-72 max-w-full items-center gap-2">
      <audio controls preload="metadata" src={src} className="h-10 min-w-0 flex-1" />
      {durationMs !== undefined && <span className="shrink-0 text-xs text-neutral-600 dark:text-neutral-300">{formatDuration(durationMs)}</span>}
    </div>
  );
}

const SPEEDS = [1, 1.5, 2];
/** Bars drawn for a note without a waveform. */
const FLAT = Array.from({ length: 40 }, () => 60);

/**
 * A voice note as WhatsApp plays it: play and pause, its waveform filling as it plays (a click on it
 * goes there), the time, and 1× / 1.5× / 2×.
 */
export function VoicePlayer({ src, durationMs, waveform }: { src: string; durationMs?: number; waveform?: number[] }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [at, setAt] = useState(0); // seconds
  const [speed, setSpeed] = useState(1);
  // A recorded WebM does not know its length until played through: the sender's count is the length.
  const length = () => (durationMs ? durationMs / 1000 : Number.isFinite(audio.current?.duration) ? audio.current!.duration : 0);
  const played = length() ? Math.min(1, at / length()) : 0;
  const bars = waveform?.length ? waveform : FLAT;
  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) void el.play().catch(() => setPlaying(false));
    else el.pause();
  };
  const seek = (fraction: number) => {
    const el = audio.current;
    if (!el || !length()) return;
    el.currentTime = fraction * length();
    setAt(el.currentTime);
  };
  return (
    <div className="flex w-64 max-w-full items-center gap-2">
      <button type="button" onClick={toggle} aria-label={playing ? 'Pause voice message' : 'Play voice message'}
        className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full text-neutral-700 hover:bg-black/5 dark:text-neutral-200 dark:hover:bg-white/10">
        {playing ? <PauseIcon className="h-6 w-6" /> : <PlayIcon className="h-6 w-6" />}
      </button>
      <div className="min-w-0 flex-1">
        <div role="slider" tabIndex={0} aria-label="Voice message position" aria-valuemin={0} aria-valuemax={Math.round(length())} aria-valuenow={Math.round(at)}
          aria-valuetext={`${formatDuration(at * 1000)} of ${formatDuration(length() * 1000)}`}
          onClick={(e) => {
            const box = e.currentTarget.getBoundingClientRect();
            seek((e.clientX - box.left) / box.width);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              e.preventDefault();
              seek(Math.max(0, Math.min(1, played + (e.key === 'ArrowRight' ? 0.1 : -0.1))));
            }
          }}
          className="flex h-8 cursor-pointer items-center gap-px rounded focus-visible:outline focus-visible:outline-2 focus-visible:outline-brand">
          {bars.map((v, i) => (
            <span key={i} className={`min-w-px flex-1 rounded-full ${i / bars.length < played ? 'bg-brand dark:bg-emerald-400' : 'bg-neutral-400 dark:bg-neutral-500'}`}
              style={{ height: `${Math.max(12, (v / 255) * 100)}%` }} />
          ))}
        </div>
        <span className="text-[11px] text-neutral-600 dark:text-neutral-300">{formatDuration((playing || at > 0 ? at : length()) * 1000)}</span>
      </div>
      <button type="button" aria-label={`Playback speed ${speed}×`} title="Playback speed"
        onClick={() => {
          const next = SPEEDS[(SPEEDS.indexOf(speed) + 1) % SPEEDS.length];
          setSpeed(next);
          if (audio.current) audio.current.playbackRate = next;
        }}
        className="shrink-0 rounded-full bg-black/10 px-2 py-0.5 text-xs font-semibold text-neutral-700 hover:bg-black/15 dark:bg-white/15 dark:text-neutral-100">
        {speed}×
      </button>
      <MicIcon className="h-5 w-5 shrink-0 text-brand dark:text-emerald-400" label="Voice message" />
      <audio ref={audio} src={src} preload="metadata" hidden
        onPlay={() => setPlaying(true)} onPause={() => setPlaying(false)}
        onEnded={() => {
          setPlaying(false);
          setAt(0);
        }}
        onTimeUpdate={(e) => setAt(e.currentTarget.currentTime)}
        onLoadedMetadata={(e) => (e.currentTarget.playbackRate = speed)} />
    </div>
  );
}

/**
 * A video inline: its poster (the frame its sender's page took) over its blurhash, with its length,
 * until it is played; nothing of it is fetched before.
 */
function Video({ media }: { media: MediaSummary }) {
  const [started, setStarted] = useState(false);
  const placeholder = useBlurhash(media.blurhash);
  const box = boxOf(media.width, media.height);
  return (
    <div className="relative" style={box}>
      <video controls preload={media.thumbnail ? 'none' : 'metadata'} src={mediaUrl(media.id)} aria-label={`Video ${media.name}`}
        poster={media.thumbnail ? thumbnailUrl(media.id) : undefined} onPlay={() => setStarted(true)}
        style={{ ...box, ...(placeholder && { backgroundImage: `url(${placeholder})`, backgroundSize: 'cover' }) }} className="rounded-md bg-black" />
      {!started && media.durationMs !== undefined && (
        <span className="pointer-events-none absolute left-2 top-2 flex items-center gap-1 rounded-full bg-black/60 px-2 py-0.5 text-xs font-medium text-white">
          <VideoIcon className="h-3.5 w-3.5" />
          <span aria-label={`Length ${formatDuration(media.durationMs)}`}>{formatDuration(media.durationMs)}</span>
        </span>
      )}
    </div>
  );
}

/** The media a message carries; `onOpen` opens a photo in the viewer. */
export function MessageMedia({ media, onOpen }: { media: MediaSummary; onOpen?: () => void }) {
  switch (media.kind) {
    case 'image':
      return <Photo src={media.thumbnail ? thumbnailUrl(media.id) : mediaUrl(media.id)} alt={`Photo ${media.name}`} width={media.width} height={media.height} blurhash={media.blurhash} onOpen={onOpen} />;
    case 'video':
      return <Video media={media} />;
    case 'voice':
      return <VoicePlayer src={mediaUrl(media.id)} durationMs={media.durationMs} waveform={media.waveform} />;
    case 'audio':
      return <Recording src={mediaUrl(media.id)} durationMs={media.durationMs} />;
    case 'file':
      return <FileCard name={media.name} size={media.size} mime={media.mime} href={downloadUrl(media.id)} />;
  }
}

/** A file on its way: what it is, how far it got, and a way to stop it. */
export function PendingMedia({ attachment, sending, onCancel }: { attachment: PendingAttachment; sending: boolean; onCancel: () => void }) {
  const { kind, previewUrl, name } = attachment;
  const percent = Math.round(attachment.progress * 100);
  return (
    <div className="relative">
      {kind === 'image' && previewUrl ? (
        <Photo src={previewUrl} alt={`Photo ${name}`} width={attachment.width} height={attachment.height} />
      ) : kind === 'video' && previewUrl ? (
        <video muted preload="metadata" src={previewUrl} aria-label={`Video ${name}`} style={boxOf(attachment.width, attachment.height)} className="rounded-md bg-black" />
      ) : kind === 'voice' && previewUrl ? (
        <VoicePlayer src={previewUrl} durationMs={attachment.durationMs} waveform={attachment.waveform} />
      ) : kind === 'audio' && previewUrl ? (
        <Recording src={previewUrl} durationMs={attachment.durationMs} />
      ) : (
        <FileCard name={name} size={attachment.size} />
      )}
      {sending && attachment.progress < 1 && (
        <div className="mt-1.5 flex items-center gap-2">
          <div role="progressbar" aria-label={`Uploading ${name}`} aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}
            className="h-1.5 flex-1 overflow-hidden rounded-full bg-black/10 dark:bg-white/15">
            <div className="h-full rounded-full bg-brand transition-[width] dark:bg-emerald-400" style={{ width: `${percent}%` }} />
          </div>
          <button type="button" onClick={onCancel} aria-label={`Cancel sending ${name}`} title="Cancel"
            className="rounded-full p-1 text-neutral-600 hover:bg-black/10 dark:text-neutral-300 dark:hover:bg-white/10">
            <CloseIcon className="h-4 w-4" />
          </button>
        </div>
      )}
    </div>
  );
}

/** A photo as the viewer shows it: who sent it and when, in its header (a message, or a gallery's item). */
export interface ViewedPhoto {
  media: MediaSummary;
  senderId: string;
  createdAt: Date;
}

/** "Alice · 12:04", "You · 9:30": who sent something and when, as the viewer and the media panel say it. */
export const sentBy = (item: { senderId: string; createdAt: Date }, nameOf: NameOf) => `${nameOf(item.senderId) ?? 'Former member'} · ${formatTime(item.createdAt)}`;

/** A photo full-screen, with the chat's other photos before and after it (arrow keys too); Esc closes. */
export function MediaViewer({ photos, nameOf, index, onIndex, onClose }: {
  photos: ViewedPhoto[];
  nameOf: NameOf;
  index: number;
  onIndex: (index: number) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const photo = photos[index];
  useModal(ref);
  const go = (to: number) => to >= 0 && to < photos.length && onIndex(to);
  if (!photo) return null;
  const button = 'rounded-full p-2 text-white hover:bg-white/15 disabled:opacity-30';
  return (
    <dialog ref={ref} aria-label="Photo"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') go(index - 1);
        if (e.key === 'ArrowRight') go(index + 1);
      }}
      onClick={(e) => e.target === e.currentTarget && onClose()}
      className="m-0 h-full max-h-none w-full max-w-none bg-neutral-950 p-0 text-white backdrop:bg-black">
      <div className="flex h-full flex-col" onClick={(e) => e.target === e.currentTarget && onClose()}>
        <div className="flex items-center gap-2 px-3 py-2">
          <p className="min-w-0 flex-1 truncate text-sm">{sentBy(photo, nameOf)}</p>
          <span className="text-sm text-white/80">{index + 1} of {photos.length}</span>
          <a href={downloadUrl(photo.media.id)} download={photo.media.name} aria-label="Download" title="Download" className={button}>
            <DownloadIcon className="h-5 w-5" />
          </a>
          <button type="button" onClick={onClose} aria-label="Close" title="Close" className={button} autoFocus>
            <CloseIcon className="h-6 w-6" />
          </button>
        </div>
        <div className="flex min-h-0 flex-1 items-center gap-2 px-2 pb-4" onClick={(e) => e.target === e.currentTarget && onClose()}>
          <button type="button" onClick={() => go(index - 1)} disabled={index === 0} aria-label="Previous photo" className={button}>
            <ChevronLeftIcon className="h-7 w-7" />
          </button>
          <div className="flex h-full min-w-0 flex-1 items-center justify-center" onClick={(e) => e.target === e.currentTarget && onClose()}>
            <img key={photo.media.id} src={mediaUrl(photo.media.id)} alt={`Photo ${photo.media.name}`} className="max-h-full max-w-full object-contain" />
          </div>
          <button type="button" onClick={() => go(index + 1)} disabled={index === photos.length - 1} aria-label="Next photo" className={button}>
            <ChevronRightIcon className="h-7 w-7" />
          </button>
        </div>
      </div>
    </dialog>
  );
}
