// End-to-end tests in Debian's Chromium against the production build, on the machine's PostgreSQL.
import { defineConfig, devices } from '@playwright/test';

export const E2E_PORT = 3210;
export const E2E_URL = `http://localhost:${E2E_PORT}`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: E2E_URL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // A fake microphone (a tone), granted without asking: voice notes are recorded in the tests.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    command: 'node scripts/e2e-server.mjs',
    url: `${E2E_URL}/login`,
    timeout: 300_000,
    reuseExistingServer: false,
    // Its log (warnings and worse): a server that fails to start says why here.
    stdout: 'pipe',
    stderr: 'pipe',
    // The tests' push service runs on loopback.
    // Every test user registers and signs in from this machine's address (the limits per address have tests of their own).
    env: { PORT: String(E2E_PORT), PUBLIC_URL: E2E_URL, LOG_LEVEL: 'warn', PUSH_ALLOW_LOCAL_ENDPOINTS: 'true', REGISTRATIONS_PER_ADDRESS_PER_HOUR: '10000', CALLS_PER_SECOND_PER_USER: '5000' },
  },
});
