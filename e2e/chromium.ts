/**
 * How the tests and the bench launch Chromium: one list, so both measure the same browser.
 * Debian's chromium at /usr/bin/chromium when there is one (Playwright cannot download its
 * own browser on these machines); elsewhere Playwright's own Chromium.
 */
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** The executable to launch, or undefined for Playwright's own Chromium. */
export const chromiumExecutable = (): string | undefined => (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Chromium 156's new headless mode prewarms the omnibox's "AI mode" popup (a WebUI page,
  // chrome://omnibox-popup.top-chrome) in a renderer of its own for every new window: in a
  // trace of one page load it kept about half a core busy for the first 3.5 s, on a 2-core
  // machine where the lab's page was booting four databases. A headless test never opens it.
  '--disable-features=WebUIOmniboxAimPopup',
];
