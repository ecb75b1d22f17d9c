// A round avatar with the person's initials on a colour that is stable for their id.
const COLOURS = ['bg-emerald-600', 'bg-sky-600', 'bg-violet-600', 'bg-amber-600', 'bg-rose-600', 'bg-teal-600', 'bg-indigo-600', 'bg-orange-600'];

function colourFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return COLOURS[Math.abs(h) % COLOURS.length];
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? words[words.length - 1][0] : '')).toUpperCase();
}

export function Avatar({ id, name, size = 'md' }: { id: string; name: string; size?: 'sm' | 'md' }) {
  const dims = size === 'sm' ? 'h-9 w-9 text-sm' : 'h-12 w-12 text-base';
  return (
    <span aria-hidden="true" className={`${dims} ${colourFor(id)} inline-flex shrink-0 select-none items-center justify-center rounded-full font-semibold text-white`}>
      {initials(name)}
    </span>
  );
}
