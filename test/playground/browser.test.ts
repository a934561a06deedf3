/**
 * End to end through the playground page in Debian's headless Chromium (driven by playwright-core;
 * no browser download): the real app with the sample runbooks, a user who types `help`, opens
 * the menu and a category, fills a runbook's form, runs it and watches its card turn completed.
 * The final page is saved as test-artifacts/playground.png.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { removeWorkspace } from '../support/remove-workspace.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const REPO = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT = path.join(REPO, 'test-artifacts', 'playground.png');

describe('playground page in Chromium', function () {
  this.timeout(90_000);
  let dir: string;
  let app: App;
  let browser: Browser;
  let page: Page;
  let url: string;

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's chromium. Run \`bash scripts/install-test-deps.sh\` (as root, or install the 'chromium' package yourself).`);
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-playground-'));
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, RUNBOOKS_DIR: path.join(REPO, 'runbooks'), SWITCHBOARD_DEV: 'true' });
    app = await buildApp(config, { logger: silentLogger() });
    url = (await app.start()).url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (dir) await removeWorkspace(dir);
  });

  it('welcomes, answers help, walks menu → category → form, runs a runbook and shows the completed card', async () => {
    const browserErrors: string[] = [];
    page.on('pageerror', (error) => browserErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && browserErrors.push(message.text()));

    await page.goto(url);
    await page.locator('body[data-ready="true"]').waitFor();
    // A new conversation is an install: the bot posts its welcome card.
    await expect(await page.locator('article.from-bot .card').first().innerText({ timeout: 15_000 })).to.match(/Switchboard/);

    await page.locator('#text').fill('help');
    await page.locator('#text').press('Enter');
    await page.locator('article.from-user', { hasText: 'help' }).waitFor();
    const help = page.locator('article.from-bot', { hasText: 'What I understand' });
    await help.waitFor();

    // The answer of an Action.Execute replaces the clicked card in place: follow it by activity id.
    const menu = page.locator(`article[data-activity-id="${await help.getAttribute('data-activity-id')}"]`);
    await help.getByRole('button', { name: 'Open the menu' }).click();
    await menu.getByText('Categories', { exact: true }).waitFor();
    expect(await page.locator('article.from-bot', { hasText: 'What I understand' }).count()).to.equal(0);

    await menu.getByRole('button', { name: /^Storage/ }).click();
    await menu.getByText('Get-DiskSpace').waitFor();
    await menu
      .locator('.ac-container', { hasText: 'Get-DiskSpace' })
      .filter({ has: page.getByRole('button', { name: 'Run…' }) })
      .last()
      .getByRole('button', { name: 'Run…' })
      .click();

    const form = menu;
    await form.getByRole('button', { name: 'Run', exact: false }).first().waitFor();
    await form.getByLabel(/unit/i).selectOption('MB');
    await form.getByLabel(/min.?free/i).fill('1');
    await form.getByRole('button', { name: /▶️ Run/ }).click();

    // The form turns into the job card, which is updated in place until the run is over.
    await form.getByText(/completed/i).first().waitFor({ timeout: 60_000 });
    const card = await form.innerText();
    expect(card).to.include('Get-DiskSpace');
    expect(card).to.match(/MB/);
    expect(Number(await form.getAttribute('data-revision'))).to.be.greaterThan(0);

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    // A viewport as tall as the chat, so the sticky header and compose box sit at the edges of the picture.
    await page.setViewportSize({ width: 1000, height: await page.evaluate(() => document.documentElement.scrollHeight) });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).to.equal(true);
    expect(browserErrors).to.deep.equal([]);
  });
});
