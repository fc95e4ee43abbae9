// Before the browser tests: use Debian's Chromium when it is installed (CI and these
// machines), otherwise make sure Playwright's own Chromium is there (a laptop).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('/usr/bin/chromium')) {
  const { chromium } = await import('@playwright/test');
  if (!existsSync(chromium.executablePath())) {
    console.error("No /usr/bin/chromium: installing Playwright's Chromium (once)...");
    execSync('npx playwright install chromium', { stdio: 'inherit' });
  }
}
