// The database the Playwright tests' server uses (scripts/e2e-server.mjs), for tools the tests run beside it.
const base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const E2E_DATABASE = 'parley_e2e';

export function e2eDatabaseUrl() {
  const url = new URL(base);
  url.pathname = `/${E2E_DATABASE}`;
  return url.toString();
}

/** The server's database for creating and dropping others. */
export const e2eAdminUrl = base;
