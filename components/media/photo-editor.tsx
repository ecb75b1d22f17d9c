'use client';
// A profile or group photo where it can be changed: the large avatar with "Change photo" (pick a
// picture, place it in the round frame: crop-dialog.tsx) and "Remove photo".
import { lazy, Suspense, useRef, useState } from 'react';
import { errorMessage } from '@/lib/api-errors.ts';
import type { PhotoCrop } from '@/lib/schemas.ts';
import { Avatar } from '../ui/avatar.tsx';

const CropDialog = lazy(() => import('./crop-dialog.tsx'));

export function PhotoEditor({ id, name, photo, group = false, editable, what, onSave, onRemove }: {
  id: string;
  name: string;
  photo?: string;
  group?: boolean;
  editable: boolean;
  /** "profile photo", "group photo". */
  what: string;
  onSave: (uploadId: string, crop: PhotoCrop | undefined) => Promise<unknown>;
  onRemove: () => Promise<unknown>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [picked, setPicked] = useState<File | null>(null);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!editable) return <Avatar id={id} name={name} size="lg" group={group} photo={photo} />;
  return (
    <div className="flex flex-col items-center gap-2">
      <Avatar id={id} name={name} size="lg" group={group} photo={photo} />
      <div className="flex flex-wrap justify-center gap-2">
        <button type="button" onClick={() => input.current?.click()}
          className="rounded-full px-3 py-1 text-sm font-medium text-brand hover:bg-brand/10 dark:text-emerald-400 dark:hover:bg-white/10">
          {photo ? 'Change photo' : 'Add photo'}
        </button>
        {photo && (
          <button type="button" disabled={removing}
            onClick={() => {
              setRemoving(true);
              setError(null);
              onRemove().catch((err: unknown) => setError(errorMessage(err))).finally(() => setRemoving(false));
            }}
            className="rounded-full px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-700/10 disabled:opacity-60 dark:text-red-300 dark:hover:bg-white/10">
            Remove photo
          </button>
        )}
      </div>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-300">{error}</p>}
      <input ref={input} type="file" accept="image/*" className="hidden" aria-label={`Choose a ${what}`}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) setPicked(file);
        }} />
      {picked && (
        <Suspense fallback={null}>
          <CropDialog file={picked} what={what} onSave={onSave} onClose={() => setPicked(null)} />
        </Suspense>
      )}
    </div>
  );
}
