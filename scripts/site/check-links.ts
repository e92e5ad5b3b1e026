/**
 * Checks every link of the built docs site (`npm run docs:check`; `npm run docs` runs it after the
 * build) with linkinator: each HTML page of the folder is crawled from a local server, and every link,
 * image, script, stylesheet and CSS url() inside the site must answer 200, every `#fragment` on a page
 * must name an element's id there.
 *
 * Links to other sites (http, https) are not fetched: CI and the build machines have no internet. They
 * are checked for form only (an absolute http(s) URL with a host name that has a dot). Other schemes
 * (mailto:, data:) are skipped.
 *
 * linkinator checks a fragment only when it fetches the target page after seeing the link, and every page
 * here is also a starting point, so fragments on links between pages are checked again here, on the files.
 *
 * `npx tsx scripts/site/check-links.ts [DIR]` (DIR defaults to site/dist). Exits 1 on any broken link.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LinkChecker, LinkState, type LinkResult } from 'linkinator';

export interface LinkReport {
  /** HTML pages crawled. */
  pages: number;
  /** Distinct links inside the site that were fetched (fragments counted separately). */
  checked: number;
  /** Distinct links to other sites, checked for form only. */
  external: number;
  broken: { url: string; parent?: string; why: string }[];
  seconds: number;
}

/** Whether `url` is a well-formed absolute http(s) URL whose host looks like a public name. */
export function wellFormedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(u.hostname) && !/\s/.test(url);
  } catch {
    return false;
  }
}

function htmlPages(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return htmlPages(path, root);
    return e.name.endsWith('.html') ? [relative(root, path)] : [];
  });
}

const decodeEntities = (s: string): string => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Links `page.html#fragment` (or `#fragment`) between the site's pages whose fragment names no id or name on the target. */
export function brokenFragments(root: string, pages: string[]): LinkReport['broken'] {
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string): Set<string> => {
    let set = ids.get(file);
    if (!set) {
      set = new Set([...readFileSync(file, 'utf8').matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => decodeEntities(m[1])));
      ids.set(file, set);
    }
    return set;
  };
  const broken: LinkReport['broken'] = [];
  for (const page of pages) {
    const file = join(root, page);
    for (const m of readFileSync(file, 'utf8').matchAll(/\shref="([^"#]*)#([^"]+)"/g)) {
      const [path, fragment] = [decodeEntities(m[1]), decodeURIComponent(decodeEntities(m[2]))];
      if (/^[a-z][a-z0-9+.-]*:/i.test(path) || (path !== '' && !path.endsWith('.html'))) continue;
      const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!existsSync(target)) continue; // a missing page is linkinator's 404
      if (!idsOf(target).has(fragment)) broken.push({ url: `${relative(root, target)}#${fragment}`, parent: page, why: `no element with id "${fragment}" there` });
    }
  }
  return broken;
}

function why(result: LinkResult): string {
  const details = (result.failureDetails ?? []).map((d) => (d instanceof Error ? d.message : `HTTP ${d.status}`));
  return details.length ? details.join('; ') : `status ${result.status ?? 'none'}`;
}

/** Checks the site in `dir`; never throws for a broken link (they are in the report). */
export async function checkLinks(dir: string): Promise<LinkReport> {
  const started = performance.now();
  const root = resolve(dir);
  const pages = htmlPages(root);
  const external = new Set<string>();
  const malformed: LinkReport['broken'] = [];
  const checker = new LinkChecker();
  const { links } = await checker.check({
    path: pages,
    serverRoot: root,
    recurse: true,
    checkFragments: true,
    checkCss: true,
    linksToSkip: async (link) => {
      const u = new URL(link, 'http://localhost/');
      if (u.hostname === 'localhost' || u.hostname === '127.0.0.1') return false;
      if (/^https?:$/.test(u.protocol)) {
        if (!external.has(link) && !wellFormedExternal(link)) malformed.push({ url: link, why: 'malformed external URL' });
        external.add(link);
      }
      return true;
    },
  });
  const seen = new Set<string>();
  const broken = [
    ...brokenFragments(root, pages),
    ...malformed,
    ...links.filter((l) => l.state === LinkState.BROKEN).map((l) => ({ url: l.url, parent: l.parent, why: why(l) })),
  ].filter((b) => {
    const key = b.url.replace(/^http:\/\/(localhost|127\.0\.0\.1):\d+\//, '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const checked = new Set(links.filter((l) => l.state !== LinkState.SKIPPED).map((l) => l.url)).size;
  return { pages: pages.length, checked, external: external.size, broken, seconds: (performance.now() - started) / 1000 };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '../../site/dist');
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`${dir} has no index.html: build the site first (npm run docs)`);
    process.exit(1);
  }
  const r = await checkLinks(dir);
  const local = (url: string): string => url.replace(/^http:\/\/(localhost|127\.0\.0\.1):\d+\//, '');
  for (const b of r.broken) console.error(`broken: ${local(b.url)}${b.parent ? ` (on ${local(b.parent)})` : ''}: ${b.why}`);
  console.log(
    `links: ${r.checked} inside the site checked over ${r.pages} pages, ${r.broken.length} broken; ` +
      `${r.external} external links checked for form only (no network) (${r.seconds.toFixed(1)} s)`,
  );
  if (r.broken.length) process.exit(1);
}
