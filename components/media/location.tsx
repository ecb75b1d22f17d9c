'use client';
// A shared place: a card in the bubble (its name, coordinates, how sure the device was, and a link
// that opens it on OpenStreetMap; no map is fetched by the server or drawn from anyone's tiles), and
// the dialog that shares one: where this device is (the browser asks first), or coordinates typed in.
import { useEffect, useState, type FormEvent } from 'react';
import { formatCoordinates, mapUrl, type SharedLocation } from '@/lib/media.ts';
import { Dialog, DialogActions, dialogButton } from '../ui/dialog.tsx';
import { MapPinIcon } from '../ui/icons.tsx';

export function LocationCard({ location }: { location: SharedLocation }) {
  return (
    <a href={mapUrl(location)} target="_blank" rel="noopener noreferrer" aria-label={`${location.label ?? 'Location'}: open in a map`}
      className="flex w-64 max-w-full items-center gap-3 rounded-md bg-black/5 p-2.5 hover:bg-black/10 dark:bg-white/5 dark:hover:bg-white/10">
      <span className="flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-red-600 text-white">
        <MapPinIcon className="h-5 w-5" />
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium">{location.label ?? 'Location'}</span>
        <span className="block text-xs text-neutral-600 dark:text-neutral-300">
          {formatCoordinates(location)}
          {location.accuracy !== undefined && ` · ±${Math.round(location.accuracy)} m`}
        </span>
        <span className="block text-xs font-medium text-brand dark:text-emerald-400">Open in map</span>
      </span>
    </a>
  );
}

const field = 'w-full rounded-lg bg-white px-3 py-2 text-[15px] ring-1 ring-black/10 focus:outline-none focus:ring-2 focus:ring-brand dark:bg-neutral-800 dark:ring-white/15';

/** Asks where, then hands the place over to send. */
export function ShareLocationDialog({ onShare, onClose }: { onShare: (location: SharedLocation) => void; onClose: () => void }) {
  const [latitude, setLatitude] = useState('');
  const [longitude, setLongitude] = useState('');
  const [accuracy, setAccuracy] = useState<number | undefined>(undefined);
  const [label, setLabel] = useState('');
  const [status, setStatus] = useState<string | null>('Finding where you are…');
  const locate = () => {
    if (!('geolocation' in navigator)) return setStatus('This browser cannot tell where you are: type the coordinates.');
    setStatus('Finding where you are…');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLatitude(p.coords.latitude.toFixed(6));
        setLongitude(p.coords.longitude.toFixed(6));
        setAccuracy(p.coords.accuracy);
        setStatus(null);
      },
      (err) => setStatus(err.code === err.PERMISSION_DENIED ? 'Parley may not know where you are: allow it in the browser, or type the coordinates.' : 'Where you are could not be found: try again, or type the coordinates.'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  };
  useEffect(locate, []);
  const lat = Number(latitude);
  const lng = Number(longitude);
  const valid = latitude.trim() !== '' && longitude.trim() !== '' && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    onShare({ latitude: lat, longitude: lng, ...(accuracy !== undefined && { accuracy }), ...(label.trim() && { label: label.trim() }) });
  };
  // A typed coordinate is not where the device is: its accuracy no longer applies.
  const typed = (set: (v: string) => void) => (v: string) => {
    set(v);
    setAccuracy(undefined);
  };
  return (
    <Dialog title="Share a location" onClose={onClose}>
      <form onSubmit={submit} className="space-y-3">
        {status && <p role="status" className="text-sm text-neutral-700 dark:text-neutral-300">{status}</p>}
        <div className="flex gap-2">
          <label className="flex-1 text-sm">
            Latitude
            <input value={latitude} onChange={(e) => typed(setLatitude)(e.target.value)} inputMode="decimal" className={field} placeholder="51.5074" />
          </label>
          <label className="flex-1 text-sm">
            Longitude
            <input value={longitude} onChange={(e) => typed(setLongitude)(e.target.value)} inputMode="decimal" className={field} placeholder="-0.1278" />
          </label>
        </div>
        <label className="block text-sm">
          Name (optional)
          <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={100} className={field} placeholder="Where we meet" />
        </label>
        {valid && <p className="text-xs text-neutral-600 dark:text-neutral-300">{formatCoordinates({ latitude: lat, longitude: lng })}{accuracy !== undefined && ` · ±${Math.round(accuracy)} m`}</p>}
        <DialogActions>
          <button type="button" onClick={onClose} className={dialogButton.quiet}>Cancel</button>
          <button type="button" onClick={locate} className={dialogButton.quiet}>Use where I am</button>
          <button type="submit" disabled={!valid} className={dialogButton.main}>Send</button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
