/**
 * The page's screens in Chromium, through roles and names: the start page (lessons, free
 * play) and its links, a broken link explained instead of followed, the lab's tabs by
 * keyboard, what the first screen holds at 1280x720, the phone layout at 390 px without
 * horizontal scroll, the presenter view (P toggles it) and the embed view, and the exports
 * (history JSON, topology and timeline as SVG and PNG).
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { clickPlaceOrder, expect, note, openApp, openTab, snap, test, waitForBoot, writeResult } from './helpers.ts';

const LESSON = 'stale-read';

// Each test boots a cluster, and the lesson tests build a lesson's cluster on top: minutes on a busy machine.
test.describe.configure({ timeout: 300_000 });

/** Whether the whole of `locator` lies inside the viewport (the first screen, no scrolling). */
async function onFirstScreen(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const view = page.viewportSize();
  if (!box || !view) return false;
  return box.y >= 0 && box.x >= 0 && box.y + box.height <= view.height && box.x + box.width <= view.width;
}

async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

test.describe('at 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('the start page offers the lessons and free play; free play shows the clock, topology and client on the first screen', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Replica Lab', level: 1 })).toBeVisible();
    const lessons = page.getByRole('list', { name: 'Lessons' });
    await expect(lessons.getByRole('link').first()).toBeVisible();
    await expect(lessons.getByRole('link', { name: 'The stale read' })).toHaveAttribute('href', /#lesson\/stale-read/);
    // The start page has no seed in its address (a seed would make it a link to the lab).
    await expect(page.getByRole('link', { name: 'Free play (sandbox)' })).toBeVisible();
    expect(new URL(page.url()).search).toBe('');
    await snap(page, 'start-page');

    await page.getByRole('link', { name: 'Free play (sandbox)' }).click();
    await expect(page).toHaveURL(/#sandbox$/);
    const pause = page.getByRole('button', { name: 'Pause', exact: true });
    await waitForBoot(page);
    await expect(pause).toBeVisible();
    for (const [what, locator] of [
      ['clock', page.getByRole('timer', { name: 'Engine time' })],
      ['topology', page.getByRole('region', { name: 'Topology' })],
      ['client', page.getByRole('region', { name: 'Client' })],
      ['tabs', page.getByRole('tablist', { name: 'Panels' })],
    ] as const) {
      expect(await onFirstScreen(page, locator), `${what} on the first screen`).toBe(true);
    }
    expect(await pageWidth(page)).toBeLessThanOrEqual(1280);
    await snap(page, 'free-play-first-screen');

    // Back in the browser returns to the start page.
    await page.goBack();
    await expect(page.getByRole('link', { name: 'Free play (sandbox)' })).toBeVisible();
  });

  test('the lab tabs work from the keyboard: arrows, Home and End, one panel at a time', async ({ page }) => {
    await openApp(page);
    const tablist = page.getByRole('tablist', { name: 'Panels' });
    const tabs = tablist.getByRole('tab');
    const names = await tabs.allTextContents();
    note('tabs', names.join(', '));
    expect(names[0]).toBe('Timeline');
    await expect(tabs.first()).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tabpanel')).toHaveCount(1);
    await tabs.first().focus();
    await page.keyboard.press('ArrowRight');
    await expect(tablist.getByRole('tab', { name: 'Nodes' })).toBeFocused();
    await expect(tablist.getByRole('tab', { name: 'Nodes' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tabpanel', { name: 'Nodes' }).getByRole('table', { name: 'Nodes' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Timeline', exact: true })).toBeHidden();
    await page.keyboard.press('End');
    await expect(tabs.last()).toBeFocused();
    await expect(tabs.last()).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowRight'); // wraps round
    await expect(tabs.first()).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowLeft');
    await expect(tabs.last()).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Home');
    await expect(tabs.first()).toHaveAttribute('aria-selected', 'true');
    // Only the selected tab is in the Tab order.
    expect(await tablist.locator('[role="tab"][tabindex="0"]').count()).toBe(1);
  });

  test('a lesson link opens the lesson beside the topology; a broken link is explained and ignored', async ({
    page,
  }) => {
    const nodeWorkers: string[] = [];
    page.on('worker', (w) => {
      if (w.url().includes('nodeWorker')) nodeWorkers.push(w.url());
    });
    await page.goto(`/#lesson/${LESSON}`);
    const lesson = page.getByRole('region', { name: 'Lesson' });
    await waitForBoot(page);
    await expect(lesson.getByRole('heading', { level: 2 })).toBeVisible({ timeout: 60_000 });
    // The link's first cluster is the lesson's own, on the nodes started while the page loaded: no free play first.
    expect(nodeWorkers, 'database workers started').toHaveLength(4);
    for (const [what, locator] of [
      ['clock', page.getByRole('timer', { name: 'Engine time' })],
      ['topology', page.getByRole('region', { name: 'Topology' })],
      ["lesson's step", lesson.getByRole('heading', { level: 2 })],
      ["lesson's controls", lesson.getByRole('navigation', { name: 'Lesson steps' })],
    ] as const) {
      expect(await onFirstScreen(page, locator), `${what} on the first screen`).toBe(true);
    }
    // In a lesson the client is a tab.
    await openTab(page, 'Client');
    await expect(page.getByRole('region', { name: 'Client' })).toBeVisible();
    await snap(page, 'lesson-first-screen');

    await page.goto('/#lesson/no-such-lesson/intro');
    await expect(page.getByRole('alert')).toContainText('There is no lesson "no-such-lesson": pick one here.');
    await expect(page.getByRole('link', { name: 'Free play (sandbox)' })).toBeVisible();
    await page.goto('/#lesson/Not%20A%20Slug/%3Cb%3E');
    await expect(page.getByRole('alert')).toContainText('is not an id (lower-case letters, digits and dashes)');
    await expect(page.locator('b')).toHaveCount(0);
    await page.goto('/?embed=1&from=place');
    await expect(page.getByRole('alert')).toContainText('An embed link names its lesson (&lesson=<id>)');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('presenter view: large type, only the topology, the lesson and the clock; P toggles it', async ({ page }) => {
    await page.goto(`/?presenter=1#lesson/${LESSON}`);
    const lesson = page.getByRole('region', { name: 'Lesson' });
    await waitForBoot(page);
    await expect(lesson.getByRole('heading', { level: 2 })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();
    await expect(page.getByRole('timer', { name: 'Engine time' })).toBeVisible();
    await expect(page.getByRole('tablist')).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Client' })).toHaveCount(0);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('20px');
    expect(await onFirstScreen(page, page.getByRole('region', { name: 'Topology' }))).toBe(true);
    await snap(page, 'presenter');

    // P (outside a text field) leaves it and comes back, keeping the screen.
    await page.getByRole('heading', { name: 'Replica Lab', level: 1 }).click();
    await page.keyboard.press('p');
    await expect(page.getByRole('tablist', { name: 'Panels' })).toBeVisible();
    await expect(page).not.toHaveURL(/presenter=1/);
    await page.keyboard.press('p');
    await expect(page.getByRole('tablist')).toHaveCount(0);
    await expect(page).toHaveURL(/presenter=1/);
    await expect(lesson).toBeVisible();
  });

  test('embed view: a compact lesson limited to its steps, with a link to the whole lab', async ({ page }) => {
    await page.goto(`/?embed=1&lesson=${LESSON}&from=read-replica&to=verdict`);
    const lesson = page.getByRole('region', { name: 'Lesson' });
    await waitForBoot(page);
    await expect(lesson.getByRole('heading', { level: 2 })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();
    await expect(page.getByRole('tablist')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Open in Replica Lab' })).toHaveAttribute(
      'href',
      new RegExp(`#lesson/${LESSON}/read-replica$`),
    );
    await snap(page, 'embed');
  });

  test('exports the history as JSON and the topology and timeline as SVG and PNG', async ({ page }) => {
    await openApp(page);
    await clickPlaceOrder(page);
    await expect(writeResult(page)).toContainText('committed on primary');
    await openTab(page, 'Run & export');
    const status = page.getByRole('status', { name: 'Export' });
    const save = async (button: string): Promise<Buffer> => {
      const downloaded = page.waitForEvent('download');
      await page.getByRole('button', { name: button }).click();
      const file = await downloaded;
      const path = test.info().outputPath(file.suggestedFilename());
      await file.saveAs(path);
      await expect(status).toContainText(`Saved ${file.suggestedFilename()}`);
      note(button, `${file.suggestedFilename()}: ${(await status.textContent()) ?? ''}`);
      return readFileSync(path);
    };

    const history = JSON.parse((await save('History as JSON')).toString('utf8'));
    expect(history).toMatchObject({ kind: 'replica-lab-history', seed: expect.any(Number) });
    expect(history.events.some((e: { type: string }) => e.type === 'write.ok')).toBe(true);

    const topology = (await save('Topology as SVG')).toString('utf8');
    expect(topology).toMatch(/^<\?xml/);
    expect(topology).toContain('<svg');
    expect(topology).toContain('replica-3');
    // The page's CSS is inlined: a file opened elsewhere looks the same.
    expect(topology).not.toContain('class="');
    expect(topology).toMatch(/style="[^"]*fill:/);
    const timeline = (await save('Timeline as SVG')).toString('utf8');
    expect(timeline).toContain('user-1001');
    for (const button of ['Topology as PNG', 'Timeline as PNG']) {
      const png = await save(button);
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(png.length).toBeGreaterThan(2000);
    }
  });
});

test.describe('on a phone (390x844)', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the start page, free play with every tab open, and a lesson fit 390 px without horizontal scroll', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page.getByRole('link', { name: 'Free play (sandbox)' })).toBeVisible();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);

    await openApp(page);
    const names = await page.getByRole('tablist', { name: 'Panels' }).getByRole('tab').allTextContents();
    for (const name of names) {
      await page.getByRole('tab', { name, exact: true }).click();
      await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
      expect(await pageWidth(page), `page width with "${name}" open`).toBeLessThanOrEqual(390);
    }
    await openTab(page, 'Timeline');
    await snap(page, 'phone-free-play');

    await page.goto(`/#lesson/${LESSON}`);
    await waitForBoot(page);
    await expect(page.getByRole('region', { name: 'Lesson' }).getByRole('heading', { level: 2 })).toBeVisible({
      timeout: 60_000,
    });
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await snap(page, 'phone-lesson');
  });
});
