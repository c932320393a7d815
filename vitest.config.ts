import { defineConfig } from 'vitest/config';
import PlainSummaryReporter from './test/plain-summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start servers and worker processes; two cores cannot run many at once.
    maxWorkers: 2,
    reporters: ['default', new PlainSummaryReporter()],
  },
});
