// Vitest: unit and integration tests next to the code, against a fresh database on the machine's PostgreSQL.
import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests that run whole server processes and inject faults, or change the instance for everyone (its
// registration mode, its admins): they need the machine to themselves, so they run after everything
// else, one file at a time.
const SYSTEM_TESTS = [
  'server/delivery.property.test.ts',
  'server/delivery-healing.property.test.ts',
  'server/cluster.test.ts',
  'server/nginx.test.ts',
  'server/admin/registration.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    // Creates and migrates a database of its own for the run, and drops it at the end.
    globalSetup: ['server/test/global-setup.ts'],
    setupFiles: ['server/test/worker-setup.ts'],
    pool: 'forks',
    // Test files share a worker's module instances (half the run time goes to importing Prisma and
    // friends otherwise). Safe because tests share no state but the database, where each makes its
    // own users, and every file that opens the pool or the bus releases them in afterAll.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['server/**/*.test.ts', 'lib/**/*.test.ts', 'components/**/*.test.ts'],
          exclude: SYSTEM_TESTS,
          // The tests mostly wait on PostgreSQL, so one worker more than the default pays off even on two cores.
          maxWorkers: Math.max(2, os.availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'system', include: SYSTEM_TESTS, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
