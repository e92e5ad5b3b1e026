/**
 * The docs site (`npm run docs`): scripts/build-site.ts builds it once here, into a temp folder, with a
 * stand-in playground build; the link checker passes over it; Debian's Chromium loads the landing page,
 * an API page and a reproduction page with no page error and no failed request, each showing its
 * heading and its images. The markdown rewriting and the checker are also tested on small inputs, so
 * that a checker that never fails cannot pass here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, removeDir, ROOT } from '../browser/harness.js';
import { brokenFragments, checkLinks, wellFormedExternal } from '../../scripts/site/check-links.js';
import { expandIncludes, parsePage, rewriteLinks, typedocAnchor } from '../../scripts/site/markdown.js';
import { serveSite, type SiteServer } from '../../scripts/site/serve.js';
import { repositoryUrl } from '../../scripts/build-site.js';

describe('site markdown', () => {
  const page = [
    '# Title',
    '',
    '<a id="b1"></a>',
    '## B1: stable',
    '',
    '### B3 with batch norm (`--batch-norm`, seeds 1-4)',
    '',
    '## B1: stable',
    '',
    'See [b1](#b1), `[not](a-link.md)` and ![fig](fig/a.png) <img src="fig/b.png" width="1">.',
    '',
    '```md',
    '[inside a fence](x.md)',
    '```',
  ].join('\n');

  it('maps the anchors GitHub links use to the ones typedoc renders', () => {
    const parsed = parsePage(page);
    // An <a id> right above a heading, and a repeated heading (typedoc numbers the second).
    expect(typedocAnchor(parsed, 'b1')).toBe('b1-stable');
    expect(parsed.headings.map((h) => h.slug)).toEqual(['title', 'b1-stable', 'b3-with-batch-norm-seeds-1-4', 'b1-stable-1']);
    // GitHub keeps a code span's text in the slug, typedoc drops it.
    expect(typedocAnchor(parsed, 'b3-with-batch-norm---batch-norm-seeds-1-4')).toBe('b3-with-batch-norm-seeds-1-4');
    expect(typedocAnchor(parsed, 'b1-stable-1')).toBe('b1-stable-1');
    expect(typedocAnchor(parsed, 'nowhere')).toBeUndefined();
  });

  it('rewrites links and image sources outside code only', () => {
    const seen: string[] = [];
    const out = rewriteLinks(page, (url) => {
      seen.push(url);
      return `X/${url}`;
    });
    expect(seen).toEqual(['#b1', 'fig/a.png', 'fig/b.png']);
    expect(out).toContain('[b1](X/#b1)');
    expect(out).toContain('<img src="X/fig/b.png" width="1">');
    expect(out).toContain('`[not](a-link.md)`');
    expect(out).toContain('[inside a fence](x.md)');
  });

  it("includes a section of another file, its links rebased to the including file's folder", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-hacks-site-md-'));
    try {
      mkdirSync(join(dir, 'a'));
      writeFileSync(join(dir, 'README.md'), '# R\n\nintro\n\n## Quick start\n\nRun [this](docs/x.md#y) and see ![f](docs/f.png).\n\n## Next\n\nnot included\n');
      const from = join(dir, 'a/page.md');
      const { text } = expandIncludes('top\n\n<!-- include ../README.md "Quick start" -->\n', from);
      expect(text).toBe('top\n\nRun [this](../docs/x.md#y) and see ![f](../docs/f.png).\n');
      expect(() => expandIncludes('<!-- include ../README.md "Missing" -->', from)).toThrow(/no heading "Missing"/);
    } finally {
      removeDir(dir);
    }
  });

  it('reads a public repository address from package.json, and none when it names none', () => {
    expect(repositoryUrl({})).toBeUndefined();
    expect(repositoryUrl({ repository: 'owner/name' })).toBe('https://github.com/owner/name');
    expect(repositoryUrl({ repository: 'github:owner/name' })).toBe('https://github.com/owner/name');
    expect(repositoryUrl({ repository: { url: 'git+https://github.com/owner/name.git' } })).toBe('https://github.com/owner/name');
    expect(repositoryUrl({ repository: { url: 'not a url' } })).toBeUndefined();
  });
});

describe('link checker', () => {
  it('finds a missing image, a missing page, a missing anchor and a malformed external URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-hacks-site-links-'));
    try {
      writeFileSync(
        join(dir, 'index.html'),
        '<!doctype html><html><head><title>t</title></head><body><h1 id="top">t</h1>' +
          '<a href="b.html#there">ok</a> <a href="b.html#gone">bad anchor</a> <a href="#top">ok</a>' +
          '<img src="missing.png"> <a href="nothing.html">bad page</a> <a href="https://example.org/x">skipped</a>' +
          '<a href="https://localhost_name/x">bad external</a></body></html>',
      );
      writeFileSync(join(dir, 'b.html'), '<!doctype html><html><head><title>b</title></head><body><h2 id="there">b</h2></body></html>');
      const report = await checkLinks(dir);
      const broken = report.broken.map((b) => b.url.replace(/^http:\/\/[^/]+\//, '')).sort();
      expect(broken).toEqual(['b.html#gone', 'https://localhost_name/x', 'missing.png', 'nothing.html']);
      expect(report.external).toBe(2);
      expect(brokenFragments(dir, ['index.html', 'b.html']).map((b) => b.url)).toEqual(['b.html#gone']);
    } finally {
      removeDir(dir);
    }
  });

  it('accepts only well-formed absolute http(s) URLs for other sites', () => {
    expect(wellFormedExternal('https://arxiv.org/abs/1511.06434')).toBe(true);
    expect(wellFormedExternal('https://github.com/soumith/ganhacks')).toBe(true);
    expect(wellFormedExternal('https://exa mple.org/')).toBe(false);
    expect(wellFormedExternal('http://localhost/')).toBe(false);
    expect(wellFormedExternal('ftp://example.org/')).toBe(false);
  });
});

describe('the built site', () => {
  const out = mkdtempSync(join(tmpdir(), 'gan-hacks-site-'));
  const playground = mkdtempSync(join(tmpdir(), 'gan-hacks-playground-'));
  let summary = '';

  beforeAll(() => {
    // A stand-in for the playground's Vite build: the site copies it in and links it from the navigation.
    writeFileSync(join(playground, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>Playground stand-in</title><link rel="icon" href="data:,"></head><body><h1>Playground stand-in</h1><script src="app.js"></script></body></html>');
    writeFileSync(join(playground, 'app.js'), 'document.body.dataset.ran = "yes";');
    summary = execFileSync('npx', ['tsx', 'scripts/build-site.ts', '--out', out, '--playground', playground], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    console.log(`[site] ${summary.trim()}`);
  }, 600_000);

  afterAll(() => {
    removeDir(out);
    removeDir(playground);
  });

  it('holds the landing page, the guides, the reproductions with their figures, and the API', () => {
    for (const page of ['index.html', 'classes/gan-hacks.Trainer.html', 'documents/Failure_modes.html', 'documents/Getting_started_in_Node.html', 'documents/Reading_a_diagnosis.html', 'documents/In_the_browser.html', 'documents/The_hacks.html', 'playground/index.html']) {
      expect(existsSync(join(out, page)), page).toBe(true);
    }
    // The README's Quick start is included, its link to the failure-modes page pointing at that page.
    const landing = readFileSync(join(out, 'index.html'), 'utf8');
    expect(landing).toContain('failureModesGenerator');
    expect(landing).toMatch(/href="documents\/Failure_modes\.html"/);
    // A link to an <a id> above a heading on another page lands on the heading typedoc renders.
    expect(readFileSync(join(out, 'documents/All_reproductions.html'), 'utf8')).toContain('href="Failure_modes.html#b1-stable"');
  });

  it('has no broken link, image or anchor (the check npm run docs runs)', async () => {
    const report = await checkLinks(out);
    console.log(`[site] links: ${report.checked} checked over ${report.pages} pages, ${report.external} external (form only)`);
    expect(report.broken).toEqual([]);
    expect(report.pages).toBeGreaterThan(100);
  }, 120_000);

  describe.skipIf(!existsSync(CHROMIUM))('in Chromium', () => {
    let browser: Browser;
    let server: SiteServer;

    beforeAll(async () => {
      server = await serveSite(out);
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    /** Loads a page; returns it with its page errors, console errors and failed requests. */
    async function load(path: string): Promise<{ page: Page; problems: string[] }> {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
      await page.goto(server.url + path, { waitUntil: 'load' });
      // The sidebar is drawn by script from assets/navigation.js once the page has loaded.
      await page.waitForSelector('#tsd-nav-container a', { state: 'attached', timeout: 30_000 });
      return { page, problems };
    }

    const images = (page: Page): Promise<{ src: string; width: number }[]> =>
      page.$$eval('.tsd-panel img, .tsd-typography img, .col-content img', (els) => (els as HTMLImageElement[]).map((i) => ({ src: i.currentSrc, width: i.complete ? i.naturalWidth : 0 })));

    it('the landing page: the library, the two commands, the quick start', async () => {
      const { page, problems } = await load('index.html');
      expect(await page.title()).toBe('gan-hacks');
      const headings = await page.$$eval('.col-content h2', (hs) => hs.map((h) => h.textContent?.trim()));
      expect(headings).toEqual(expect.arrayContaining(['Quick start', 'Where to go next']));
      expect(await page.textContent('.col-content')).toContain('npm install && npm run demo');
      expect(problems).toEqual([]);
      expect(server.notFound).toEqual([]);
      await page.close();
    });

    it('an API page: the Trainer class', async () => {
      const { page, problems } = await load('classes/gan-hacks.Trainer.html');
      expect(await page.title()).toBe('Trainer | gan-hacks');
      expect((await page.textContent('h1'))?.trim()).toBe('Class Trainer');
      expect(await page.$$eval('.col-content h2', (hs) => hs.map((h) => h.textContent?.trim()))).toEqual(expect.arrayContaining(['Constructors', 'Methods']));
      expect(problems).toEqual([]);
      expect(server.notFound).toEqual([]);
      await page.close();
    });

    it('a reproduction page: the failure modes, every figure loaded', async () => {
      const { page, problems } = await load('documents/Failure_modes.html');
      expect(await page.title()).toBe('Failure modes | gan-hacks');
      expect(await page.$$eval('.col-content h1', (hs) => hs.map((h) => h.textContent?.trim()))).toContain('B. Failure modes on MNIST eights');
      const figures = await images(page);
      console.log(`[site] failure-modes page: ${figures.length} images`);
      expect(figures.length).toBeGreaterThanOrEqual(20);
      expect(figures.filter((f) => f.width === 0)).toEqual([]);
      // The sidebar lists the groups and this page's generated children (a figure folder, a source file).
      const nav = await page.$$eval('#tsd-nav-container a', (as) => as.map((a) => a.textContent?.trim()));
      expect(nav).toEqual(expect.arrayContaining(['Failure modes', 'bench/b1_torch.py', 'failure-modes/b1-bn/seed-1/grids']));
      expect(problems).toEqual([]);
      expect(server.notFound).toEqual([]);
      await page.close();
    });

    it('the playground build, when there is one, is copied in and linked from every page', async () => {
      const { page, problems } = await load('documents/Failure_modes.html');
      const link = page.locator('#tsd-toolbar-links a', { hasText: 'Playground' });
      expect(await link.getAttribute('href')).toBe('../playground/index.html');
      await Promise.all([page.waitForURL('**/playground/index.html'), link.click()]);
      expect((await page.textContent('h1'))?.trim()).toBe('Playground stand-in');
      expect(await page.evaluate(() => document.body.dataset.ran)).toBe('yes');
      expect(problems).toEqual([]);
      expect(server.notFound).toEqual([]);
      await page.close();
    });
  });
});
