import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './e2e/chromium.ts';

// PW_PORT lets two runs (say, two people's sessions on one machine) use different ports.
const PORT = Number(process.env.PW_PORT ?? 4173);
/** The built app (vite preview), for what only the build has: its Content-Security-Policy. */
const PREVIEW_PORT = Number(process.env.PW_PREVIEW_PORT ?? PORT + 1);

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  timeout: 120_000,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        headless: true,
        launchOptions: {
          executablePath: chromiumExecutable(),
          args: [...CHROMIUM_ARGS, '--disable-gpu'],
        },
      },
    },
  ],
  // The dev server: the test pages under e2e/fixtures are served by it and are not part of
  // the app's build. The snapshot in public/ is gitignored, so make sure it exists first.
  webServer: [
    {
      command: `npm run snapshot && npx vite --config e2e/vite.e2e.config.ts --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}/e2e/fixtures/worker-harness.html`,
      // Not reused: `vite preview` of the app also defaults to this port and has no test pages.
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      command: `npm run snapshot && npx vite build && npx vite preview --port ${PREVIEW_PORT} --strictPort`,
      url: `http://localhost:${PREVIEW_PORT}/`,
      reuseExistingServer: false,
      timeout: 180_000,
    },
  ],
});
