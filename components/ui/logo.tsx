// Parley's mark: two speech bubbles.
export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true" fill="currentColor">
      <path d="M4 6a4 4 0 0 1 4-4h12a4 4 0 0 1 4 4v8a4 4 0 0 1-4 4h-7l-5 4v-4H8a4 4 0 0 1-4-4z" />
      <path opacity=".55" d="M26 10h.5A3.5 3.5 0 0 1 30 13.5v7a3.5 3.5 0 0 1-3.5 3.5H26v4l-5-4h-6a3.5 3.5 0 0 1-3.3-2.3L13.6 20H20a6 6 0 0 0 6-6z" />
    </svg>
  );
}
