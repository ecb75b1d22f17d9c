/**
 * A value made on first use, then kept. For `Intl` formatters at module scope: each one costs the
 * browser its locale data at construction, and a page that constructs them as it loads pays for that
 * in its first, blocking task whether it shows a date or not.
 */
export function lazily<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}
