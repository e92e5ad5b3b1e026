/**
 * What the Chromium suite needs around a page: the built package (dist/, as
 * the packed tarball ships it), the page bundled against it with esbuild, a
 * cross-origin-isolated static server, and Debian's Chromium driven by
 * playwright-core with no browser download.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import type { PageApi } from './page/api.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = '/usr/bin/chromium';
const WASM_DIR = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');

/** The launch the issue prescribes: software WebGL (SwiftShader) and nothing that talks to the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/**
 * Builds dist/ (`npm run build`, what `npm pack` runs) when it is missing or
 * older than src/, package.json or tsup.config.ts; CI builds before testing,
 * so there this is a no-op. Returns whether it built.
 */
export function ensureBuilt(): boolean {
  const outputs = ['dist/index.js', 'dist/browser.js'].map((f) => join(ROOT, f));
  const built = outputs.every(existsSync) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : -Infinity;
  const sources = Math.max(...['src', 'package.json', 'tsup.config.ts'].map((f) => newestMtime(join(ROOT, f))));
  if (built >= sources) return false;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return true;
}

/** The file package.json's `exports` map gives an ESM import of `specifier` ('gan-hacks' or 'gan-hacks/<sub>'). */
export function distFileFor(specifier: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { import?: { default?: string } } | string> };
  const key = `.${specifier.slice('gan-hacks'.length)}`;
  const entry = pkg.exports[key];
  const file = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!file) throw new Error(`package.json exports has no ESM import for ${JSON.stringify(key)}`);
  return join(ROOT, file);
}

/**
 * Resolves `gan-hacks` and `gan-hacks/*` through package.json's exports to
 * dist/, as an installed copy of the package would; tsconfig's paths (to
 * src/) are ignored (tsconfigRaw below).
 */
const packageExports: Plugin = {
  name: 'gan-hacks-exports',
  setup(b) {
    b.onResolve({ filter: /^gan-hacks(\/[a-z]+)?$/ }, (args) => ({ path: distFileFor(args.path) }));
  },
};

export interface PageBundle {
  dir: string;
  /** Inputs of the bundle, relative to the repository root. */
  inputs: string[];
}

/**
 * Bundles a page's script (by default the suite's, test/browser/page/main.ts)
 * for the browser into `page.js` in a fresh temp folder. The page sets
 * `window.ganTest` to the functions {@link openPage}'s `call` reaches.
 */
export async function bundlePage(entry = join(ROOT, 'test/browser/page/main.ts')): Promise<PageBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'gan-hacks-page-'));
  const result = await build({
    entryPoints: [entry],
    outfile: join(dir, 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'error',
    plugins: [packageExports],
    tsconfigRaw: {},
  });
  return { dir, inputs: Object.keys((result.metafile as Metafile).inputs).map((p) => relative(ROOT, resolve(ROOT, p))) };
}

const HTML = '<!doctype html><html><head><meta charset="utf-8"><title>gan-hacks browser suite</title><link rel="icon" href="data:,"></head><body><script type="module" src="/page.js"></script></body></html>';

/**
 * Serves the page, its bundle and tfjs-backend-wasm's `.wasm` files (under
 * /wasm/ only, so tfjs's default of looking beside the script 404s) with the
 * COOP/COEP headers that make the page cross-origin isolated, which WASM
 * threads (SharedArrayBuffer) need.
 */
export async function serve(bundleDir: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    let body: Buffer | string | undefined;
    let type = 'text/plain';
    if (path === '/' || path === '/index.html') [body, type] = [HTML, 'text/html; charset=utf-8'];
    else if (path === '/page.js') [body, type] = [readFileSync(join(bundleDir, 'page.js')), 'text/javascript'];
    else if (/^\/wasm\/tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm$/.test(path)) [body, type] = [readFileSync(join(WASM_DIR, path.slice(6))), 'application/wasm'];
    res.statusCode = body === undefined ? 404 : 200;
    res.setHeader('Content-Type', type);
    res.end(body ?? 'not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** Serves every file of `dir` (a built site, e.g. examples/browser's) cross-origin isolated, as `serve` does. */
export async function serveFolder(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server: Server = createServer((req, res) => {
    const path = join(dir, new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html'));
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cache-Control', 'no-store');
    const inside = relative(dir, path);
    if (inside.startsWith('..') || !existsSync(path) || statSync(path).isDirectory()) return void res.writeHead(404).end('not found');
    res.setHeader('Content-Type', types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream');
    res.end(readFileSync(path));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * The arguments and the settled result of a function of a page's API. Another
 * page's function named with a cast (`'b1' as never`) takes any arguments and
 * its result is whatever the caller expects.
 */
type ArgsOf<F> = [F] extends [(...args: infer A) => unknown] ? A : unknown[];
type ResultOf<F> = [F] extends [never] ? never : [F] extends [(...args: never[]) => infer R] ? Awaited<R> : unknown;

/** A page with its API (`window.ganTest`) loaded, collecting page errors and console errors. */
export interface TestPage<Api = PageApi> {
  page: Page;
  /** Uncaught exceptions and console.error messages, in order. */
  errors: string[];
  /** Calls `window.ganTest[name](...args)` in the page; arguments and result cross as JSON-like values. */
  call<K extends keyof Api & string>(name: K, ...args: ArgsOf<Api[K]>): Promise<ResultOf<Api[K]>>;
  close(): Promise<void>;
}

/** Opens `url` in a new page (a new browser context: its own storage) and waits for `window.ganTest`. */
export async function openPage<Api = PageApi>(browser: Browser, url: string): Promise<TestPage<Api>> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { ganTest?: unknown }).ganTest !== undefined);
  return {
    page,
    errors,
    call: (name, ...args) =>
      page.evaluate(
        ([n, a]) => (window as unknown as { ganTest: Record<string, (...x: unknown[]) => unknown> }).ganTest[n](...a),
        [name, args as unknown[]] as const,
      ) as never,
    close: () => page.close(),
  };
}

/** Removes a temp folder made by bundlePage. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
