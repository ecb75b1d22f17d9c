// Signing in and out through next-auth's own endpoints, without shipping next-auth/react (~12 KB gzip
// for two form posts). The same calls it makes: a CSRF token, then a form post that answers JSON.
const AUTH = '/api/auth';

async function post(path: string, fields: Record<string, string>): Promise<{ ok: boolean; url?: string }> {
  const { csrfToken } = (await (await fetch(`${AUTH}/csrf`)).json()) as { csrfToken: string };
  const res = await fetch(`${AUTH}/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, csrfToken, callbackUrl: window.location.origin, json: 'true' }),
  });
  const data = (await res.json().catch(() => ({}))) as { url?: string };
  return { ok: res.ok, url: data.url };
}

/** Signs in with a password; the refusal's message (next-auth carries ours in `?error=`) if it fails. */
export async function signInWithPassword(username: string, password: string): Promise<{ error?: string }> {
  const result = await post('callback/credentials', { username, password }).catch(() => ({ ok: false, url: undefined }));
  const error = result.url ? new URL(result.url, window.location.origin).searchParams.get('error') : 'failed';
  return result.ok && !error ? {} : { error: error ?? 'failed' };
}

let signingOut = false;
/** Whether this page is logging out by itself (its session then ends by its own doing). */
export const isSigningOut = () => signingOut;

/** Ends the session and goes to the login page. */
export async function signOut(): Promise<void> {
  signingOut = true;
  await post('signout', {}).catch(() => {});
  window.location.assign('/login');
}
