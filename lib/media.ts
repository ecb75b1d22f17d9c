// Media as the API shows it, and how it is named in words (inbox previews, pushes, bubbles). Shared
// by the server and the app.

export const MEDIA_KINDS = ['image', 'video', 'audio', 'voice', 'file'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** A photo, video, voice note, audio or other file that a message carries (never changes). */
export interface MediaSummary {
  id: string;
  kind: MediaKind;
  /** What the bytes are (sniffed, not what the uploader said). */
  mime: string;
  /** The file's name as it was picked. */
  name: string;
  /** Bytes. */
  size: number;
  /** Images and videos: the size to lay out before anything arrived. */
  width?: number;
  height?: number;
  /** Video, audio and voice notes. */
  durationMs?: number;
  /** Images: a few bytes that draw a blurred placeholder. */
  blurhash?: string;
  /** A small preview exists at thumbnailUrl. */
  thumbnail?: true;
  /** Voice notes and audio: loudness over the recording, up to WAVEFORM_STEPS values of 0–255. */
  waveform?: number[];
}

/** A place a message shares: coordinates (WGS 84), how sure the device was, and what the sender called it. */
export interface SharedLocation {
  latitude: number;
  longitude: number;
  /** Metres, as the device reported them. */
  accuracy?: number;
  label?: string;
}

/** The place on OpenStreetMap's site (the server fetches no map; the person's browser opens it). */
export const mapUrl = ({ latitude, longitude }: SharedLocation) =>
  `https://www.openstreetmap.org/?mlat=${latitude.toFixed(6)}&mlon=${longitude.toFixed(6)}#map=16/${latitude.toFixed(6)}/${longitude.toFixed(6)}`;

/** 51.50740° N, 0.12780° W. */
export function formatCoordinates({ latitude, longitude }: SharedLocation): string {
  return `${Math.abs(latitude).toFixed(5)}° ${latitude >= 0 ? 'N' : 'S'}, ${Math.abs(longitude).toFixed(5)}° ${longitude >= 0 ? 'E' : 'W'}`;
}

/** One of a chat's media, where it was sent (its gallery). */
export interface ChatMediaItem {
  seq: number;
  senderId: string;
  createdAt: Date;
  media: MediaSummary;
}

export interface ChatMediaPage {
  items: ChatMediaItem[];
  /** Ask again with cursor = this for older ones; null: none left. */
  nextCursor: number | null;
}

/** The most of a chat's media one page holds. */
export const MEDIA_PAGE_MAX = 60;

/** The most steps a waveform has. */
export const WAVEFORM_STEPS = 128;

/** What one may upload, in bytes (media.limits). */
export interface MediaLimits {
  perKind: Record<MediaKind, number>;
  quota: number;
  used: number;
}

const KIND_NAMES: Record<MediaKind, string> = { image: 'Photos', video: 'Videos', audio: 'Audio files', voice: 'Voice messages', file: 'Files' };

/** Why a file of this kind and size may not be sent (the server says the same, by what the bytes are), or null. */
export function tooLarge(kind: MediaKind, size: number, limits: Pick<MediaLimits, 'perKind'>): string | null {
  const limit = limits.perKind[kind];
  return size > limit ? `${KIND_NAMES[kind]} can be at most ${limit / 1_000_000} MB` : null;
}

export const MEDIA_PATH = '/api/media';
export const UPLOADS_PATH = '/api/uploads';
export const mediaUrl = (id: string) => `${MEDIA_PATH}/${id}`;
export const thumbnailUrl = (id: string) => `${MEDIA_PATH}/${id}/thumbnail`;
export const downloadUrl = (id: string) => `${MEDIA_PATH}/${id}?download=1`;

/** 0:07, 1:23, 1:02:03. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** 812 B, 14 KB, 3.2 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** How a message with media is named where there is no room for it: "📷 Photo", "🎤 Voice message (0:12)". */
export function mediaLabel(media: Pick<MediaSummary, 'kind' | 'name' | 'durationMs'>): string {
  const duration = media.durationMs ? ` (${formatDuration(media.durationMs)})` : '';
  switch (media.kind) {
    case 'image':
      return '📷 Photo';
    case 'video':
      return `🎥 Video${duration}`;
    case 'voice':
      return `🎤 Voice message${duration}`;
    case 'audio':
      return `🎵 ${media.name}`;
    case 'file':
      return `📄 ${media.name}`;
  }
}

/** A message's text where it is shown in one line: the media's name or the place, then its caption. */
export function messagePreview(message: { body: string; media?: Pick<MediaSummary, 'kind' | 'name' | 'durationMs'>; location?: SharedLocation }): string {
  const label = message.media ? mediaLabel(message.media) : message.location ? `📍 ${message.location.label ?? 'Location'}` : null;
  if (!label) return message.body;
  return message.body ? `${label} ${message.body}` : label;
}
