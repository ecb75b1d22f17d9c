'use client';
// Placing a picture in a round frame before it becomes a photo (photo-editor.tsx): drag or arrow
// keys, zoom; then it is uploaded and the server crops it to the square asked for. Loaded when a
// picture is first picked.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { errorMessage } from '@/lib/api-errors.ts';
import type { PhotoCrop } from '@/lib/schemas.ts';
import { Dialog, DialogActions, dialogButton } from '../ui/dialog.tsx';
import { uploadFile } from './uploader.ts';

/** The frame's side on screen, CSS pixels. */
const FRAME = 256;
const MAX_ZOOM = 4;
const KEY_STEP = 12;

interface Placement {
  zoom: number;
  /** The picture's top-left corner from the frame's, CSS pixels (≤ 0). */
  x: number;
  y: number;
}

export default function CropDialog({ file, what, onSave, onClose }: { file: File; what: string; onSave: (uploadId: string, crop: PhotoCrop | undefined) => Promise<unknown>; onClose: () => void }) {
  const [url] = useState(() => URL.createObjectURL(file));
  const [size, setSize] = useState<{ width: number; height: number } | null | 'unknown'>(null);
  const [at, setAt] = useState<Placement>({ zoom: 1, x: 0, y: 0 });
  const [saving, setSaving] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const drag = useRef<{ pointer: number; fromX: number; fromY: number; start: Placement } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const hint = useId();

  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    // Upright, as its EXIF says (the server turns it the same way).
    createImageBitmap(file)
      .then((bitmap) => {
        const measured = { width: bitmap.width, height: bitmap.height };
        bitmap.close();
        setSize(measured);
        setAt(place(measured, 1, (FRAME - cover(measured, 1) * measured.width) / 2, (FRAME - cover(measured, 1) * measured.height) / 2));
      })
      .catch(() => setSize('unknown'));
  }, [file]);

  const known = size && size !== 'unknown' ? size : null;
  const scale = known ? cover(known, at.zoom) : 1;
  const move = (x: number, y: number, zoom = at.zoom) => known && setAt(place(known, zoom, x, y));
  const zoomTo = (zoom: number) => {
    if (!known) return;
    // The point under the frame's middle stays there.
    const ratio = cover(known, zoom) / scale;
    move(FRAME / 2 - (FRAME / 2 - at.x) * ratio, FRAME / 2 - (FRAME / 2 - at.y) * ratio, zoom);
  };
  const crop = (): PhotoCrop | undefined =>
    known
      ? {
          x: Math.min(1, Math.max(0, -at.x / scale / known.width)),
          y: Math.min(1, Math.max(0, -at.y / scale / known.height)),
          size: Math.min(1, 1 / at.zoom),
        }
      : undefined;

  const save = async () => {
    setError(null);
    setSaving(0);
    abort.current = new AbortController();
    try {
      const uploadId = await uploadFile(file, { onUploadUrl: () => {}, onProgress: setSaving, signal: abort.current.signal });
      await onSave(uploadId, crop());
      onClose();
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setError(errorMessage(err));
      setSaving(null);
    }
  };

  const onKey = (e: KeyboardEvent) => {
    const step = { ArrowLeft: [KEY_STEP, 0], ArrowRight: [-KEY_STEP, 0], ArrowUp: [0, KEY_STEP], ArrowDown: [0, -KEY_STEP] }[e.key];
    if (!step) return;
    e.preventDefault();
    move(at.x + step[0], at.y + step[1]);
  };
  const onPointerDown = (e: PointerEvent) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { pointer: e.pointerId, fromX: e.clientX, fromY: e.clientY, start: at };
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || d.pointer !== e.pointerId || !known) return;
    setAt(place(known, d.start.zoom, d.start.x + e.clientX - d.fromX, d.start.y + e.clientY - d.fromY));
  };

  return (
    <Dialog title={`New ${what}`} onClose={onClose}>
      <div className="flex flex-col items-center gap-4">
        {size === 'unknown' ? (
          <p className="text-sm text-neutral-700 dark:text-neutral-300">This browser cannot show this picture; its middle square will be used.</p>
        ) : (
          <div tabIndex={0} role="group" aria-label="Photo position" aria-describedby={hint}
            onKeyDown={onKey} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={() => (drag.current = null)} onPointerCancel={() => (drag.current = null)}
            style={{ width: FRAME, height: FRAME }}
            className="relative cursor-grab touch-none select-none overflow-hidden rounded-lg bg-neutral-900 outline-none ring-brand focus-visible:ring-2 active:cursor-grabbing">
            {known && (
              <img src={url} alt="" draggable={false}
                style={{ position: 'absolute', left: at.x, top: at.y, width: known.width * scale, height: known.height * scale, maxWidth: 'none' }} />
            )}
            {/* What falls outside the round photo is dimmed. */}
            <span aria-hidden="true" className="pointer-events-none absolute inset-0 rounded-full shadow-[0_0_0_999px_rgba(0,0,0,0.55)] ring-2 ring-white/80" />
          </div>
        )}
        {known && (
          <label className="flex w-full max-w-[256px] items-center gap-3 text-sm">
            <span className="shrink-0 text-neutral-700 dark:text-neutral-300">Zoom</span>
            <input type="range" min={1} max={MAX_ZOOM} step={0.01} value={at.zoom} onChange={(e) => zoomTo(Number(e.target.value))} className="w-full accent-brand" />
          </label>
        )}
        <p id={hint} className="text-xs text-neutral-600 dark:text-neutral-400">Drag the picture, or use the arrow keys, to place it in the circle.</p>
        {saving !== null && (
          <p role="status" className="text-sm text-neutral-700 dark:text-neutral-300">Uploading… {Math.round(saving * 100)}%</p>
        )}
        {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{error}</p>}
      </div>
      <DialogActions>
        <button type="button" onClick={onClose} className={dialogButton.quiet}>Cancel</button>
        <button type="button" onClick={() => void save()} disabled={saving !== null || size === null} className={dialogButton.main}>Set photo</button>
      </DialogActions>
    </Dialog>
  );
}

/** Pixels on screen per pixel of the picture: the frame covered at zoom 1. */
function cover(size: { width: number; height: number }, zoom: number): number {
  return (FRAME / Math.min(size.width, size.height)) * zoom;
}

/** A placement with the frame inside the picture. */
function place(size: { width: number; height: number }, zoom: number, x: number, y: number): Placement {
  const scale = cover(size, zoom);
  const clamp = (v: number, length: number) => Math.min(0, Math.max(FRAME - length * scale, v));
  return { zoom, x: clamp(x, size.width), y: clamp(y, size.height) };
}
