// The few icons the UI uses, as inline SVG.
import type { ReactNode } from 'react';

/** `label`: an icon that says something (role img); without one it is decoration, hidden from readers. */
type IconProps = { className?: string; label?: string };

/** The frame every icon shares: outlined with round ends when given a stroke width, else filled. */
function Icon({ className, label, viewBox = '0 0 24 24', stroke, children }: IconProps & { viewBox?: string; stroke?: number; children: ReactNode }) {
  const paint = stroke
    ? ({ fill: 'none', stroke: 'currentColor', strokeWidth: stroke, strokeLinecap: 'round', strokeLinejoin: 'round' } as const)
    : { fill: 'currentColor' };
  const meaning = label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true };
  return (
    <svg viewBox={viewBox} className={className} {...meaning} {...paint}>
      {children}
    </svg>
  );
}

export const SendIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
  </Icon>
);

export const BackIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M15 5l-7 7 7 7" />
  </Icon>
);

export const SearchIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <circle cx="11" cy="11" r="7" />
    <path d="m20 20-3.5-3.5" />
  </Icon>
);

export const ClockIcon = (p: IconProps) => (
  <Icon {...p} viewBox="0 0 16 16" stroke={1.5}>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.5V8l2.2 1.5" />
  </Icon>
);

export const TickIcon = (p: IconProps) => (
  <Icon {...p} viewBox="0 0 16 16" stroke={1.8}>
    <path d="m2.5 8.5 3.2 3L13.5 4" />
  </Icon>
);

export const DoubleTickIcon = (p: IconProps) => (
  <Icon {...p} viewBox="0 0 18 16" stroke={1.8}>
    <path d="m1.5 8.5 3.2 3L12.5 4M8 11.5 15.8 4" />
  </Icon>
);

export const AlertIcon = (p: IconProps) => (
  <Icon {...p} viewBox="0 0 16 16">
    <path d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm-.75 3.5h1.5v5h-1.5zm0 6h1.5V12h-1.5z" />
  </Icon>
);

export const GroupIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Zm7.5 0a3 3 0 1 0-1.2-5.75A5.5 5.5 0 0 1 15.5 10.8c.33.13.65.2 1 .2ZM9 13c-3.3 0-6 1.7-6 3.8V19h12v-2.2C15 14.7 12.3 13 9 13Zm7.6.1c1.3.8 2.4 2 2.4 3.7V19h3v-2.2c0-1.9-2.3-3.4-5.4-3.7Z" />
  </Icon>
);

export const CloseIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M6 6l12 12M18 6 6 18" />
  </Icon>
);

export const ChevronDownIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="m6 9 6 6 6-6" />
  </Icon>
);

export const CheckIcon = (p: IconProps) => (
  <Icon {...p} stroke={2.5}>
    <path d="m5 12 5 5 9-10" />
  </Icon>
);

export const BellIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15z" />
    <path d="M10 20.5a2.2 2.2 0 0 0 4 0" />
  </Icon>
);

export const BellOffIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M8.5 5.2A6 6 0 0 1 18 11v4M6 11v5l-1.5 2H17" />
    <path d="M10 20.5a2.2 2.2 0 0 0 4 0M3 3l18 18" />
  </Icon>
);

export const DeviceIcon = (p: IconProps) => (
  <Icon {...p} stroke={1.8}>
    <rect x="3" y="4" width="18" height="12" rx="1.5" />
    <path d="M8 20h8M12 16v4" />
  </Icon>
);

export const KeyIcon = (p: IconProps) => (
  <Icon {...p} stroke={1.8}>
    <circle cx="8" cy="15" r="4" />
    <path d="m11 12 8.5-8.5M16 7l2.5 2.5M14 9l2 2" />
  </Icon>
);

export const BlockedIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <circle cx="12" cy="12" r="8.5" />
    <path d="m6 6 12 12" />
  </Icon>
);

export const ForwardIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M14 5l6 6-6 6" />
    <path d="M20 11H10a6 6 0 0 0-6 6v2" />
  </Icon>
);

export const PinIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M9 4h6l-1 5 3 3H7l3-3z" />
    <path d="M12 12v8" />
  </Icon>
);

export const ArchiveIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M4 7h16v3H4zM5 10v9h14v-9M10 14h4" />
  </Icon>
);

export const SmileyIcon = (p: IconProps) => (
  <Icon {...p} stroke={1.8}>
    <circle cx="12" cy="12" r="9" />
    <path d="M8.5 14.5a4.5 4.5 0 0 0 7 0" />
    <path d="M9 9.5h.01M15 9.5h.01" strokeWidth={2.6} />
  </Icon>
);

export const PlusIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M12 5v14M5 12h14" />
  </Icon>
);

export const PaperclipIcon = (p: IconProps) => (
  <Icon {...p} stroke={1.8}>
    <path d="m21 11.5-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9" />
  </Icon>
);

export const FileIcon = (p: IconProps) => (
  <Icon {...p} stroke={1.8}>
    <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
    <path d="M14 3v5h5" />
  </Icon>
);

export const DownloadIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="M12 4v11m0 0-4.5-4.5M12 15l4.5-4.5M5 20h14" />
  </Icon>
);

export const MicIcon = (p: IconProps) => (
  <Icon {...p} stroke={1.8}>
    <rect x="9" y="3" width="6" height="11" rx="3" />
    <path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21" />
  </Icon>
);

export const ChevronLeftIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="m15 5-7 7 7 7" />
  </Icon>
);

export const ChevronRightIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <path d="m9 5 7 7-7 7" />
  </Icon>
);

export const PlayIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M8 5.5v13a1 1 0 0 0 1.5.86l10.2-6.5a1 1 0 0 0 0-1.72L9.5 4.64A1 1 0 0 0 8 5.5z" />
  </Icon>
);

export const PauseIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="6.5" y="5" width="4" height="14" rx="1" />
    <rect x="13.5" y="5" width="4" height="14" rx="1" />
  </Icon>
);

export const TrashIcon = (p: IconProps) => (
  <Icon {...p} stroke={1.8}>
    <path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
  </Icon>
);

export const MapPinIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M12 2a7 7 0 0 0-7 7c0 5.2 6.1 12.1 6.4 12.4a.8.8 0 0 0 1.2 0C12.9 21.1 19 14.2 19 9a7 7 0 0 0-7-7zm0 9.6A2.6 2.6 0 1 1 12 6.4a2.6 2.6 0 0 1 0 5.2z" />
  </Icon>
);

export const VideoIcon = (p: IconProps) => (
  <Icon {...p} stroke={2}>
    <rect x="3" y="6" width="12" height="12" rx="2" />
    <path d="M15 10l6-3v10l-6-3z" />
  </Icon>
);
