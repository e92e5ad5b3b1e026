/**
 * Builds the docs site into site/dist (`npm run docs`): typedoc renders the API from the TSDoc and, as
 * project documents of the same site, the landing page, the guides, the reproductions with their
 * figures and the project pages (scripts/site/pages.ts lists them).
 *
 * typedoc reads markdown where it lies and resolves relative links itself, copying linked files into
 * media/; what it cannot take as written is prepared here, in a staging folder:
 * - each page gets front matter (its navigation title, group and generated children);
 * - `<!-- include FILE "Heading" -->` lines pull a section of another file (the README's quick start);
 * - anchors written for GitHub (`#b1` on an `<a id>` above a heading, GitHub's heading slugs) become the
 *   heading anchors typedoc renders and checks;
 * - a link to a folder of figures becomes a gallery page of that folder;
 * - a link to a file outside docs/ (an example's source, a benchmark script) becomes a link to it in the
 *   public repository when package.json's `repository` names one, else a page showing the file;
 * - a link to anything that does not exist fails the build.
 * When site/playground/dist/index.html exists (the playground's Vite build), it is copied to
 * site/dist/playground/ and the navigation links to it.
 *
 * `npx tsx scripts/build-site.ts [--out DIR] [--playground DIR] [-- typedoc options...]`
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expandIncludes, isAbsoluteUrl, parsePage, rewriteLinks, splitFragment, typedocAnchor, looseIds, typedocBin, type ParsedPage } from './site/markdown.js';
import { GROUP_ORDER, LANDING, PAGES, type PageSpec } from './site/pages.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = join(ROOT, 'site/dist');
export const DEFAULT_PLAYGROUND = join(ROOT, 'site/playground/dist');
/**
 * The navigation link typedoc renders for the playground, rewritten afterwards to a path relative to
 * each page: typedoc writes navigationLinks as given, and a site may be served under any prefix.
 */
const PLAYGROUND_SENTINEL = '#gan-hacks-site-root/playground/index.html';
const IMAGE = /\.(png|svg|jpe?g|gif|webp)$/i;
const LANGUAGE: Record<string, string> = { '.ts': 'ts', '.js': 'js', '.mjs': 'js', '.py': 'python', '.json': 'json', '.sh': 'bash', '.css': 'css', '.html': 'html', '.yml': 'yaml', '.yaml': 'yaml' };

export interface BuildOptions {
  /** Where the site goes. @defaultValue site/dist */
  out?: string;
  /** A built playground (a folder with index.html) to copy into the site. @defaultValue site/playground/dist */
  playground?: string;
  /** Extra typedoc command-line options. */
  typedocArgs?: string[];
}

export interface BuildResult {
  out: string;
  /** HTML pages written (the playground's not counted). */
  pages: number;
  /** Files and bytes of the whole site. */
  files: number;
  bytes: number;
  seconds: number;
  /** Whether a playground was copied in and linked. */
  playground: boolean;
}

interface Page {
  /** Absolute path of the markdown source (for a generated page: the folder or file it shows). */
  source: string;
  title: string;
  group?: string;
  /** File name in the staging folder. */
  staged: string;
  text: string;
  parsed: ParsedPage;
  children: Page[];
  generated: boolean;
}

const posix = (p: string): string => p.split(sep).join('/');
const repoPath = (abs: string): string => posix(relative(ROOT, abs));

/**
 * The web address of the public repository from package.json's `repository` (`owner/name`,
 * `github:owner/name` or `{ url }`), or undefined when it names none.
 */
export function repositoryUrl(pkg: { repository?: string | { url?: string } }): string | undefined {
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!raw) return undefined;
  const short = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(raw);
  if (short) return `https://github.com/${short[1].replace(/\.git$/, '')}`;
  const url = raw.replace(/^git\+/, '').replace(/^git:\/\//, 'https://').replace(/^ssh:\/\/git@/, 'https://').replace(/\.git$/, '');
  return /^https?:\/\//.test(url) ? url : undefined;
}

function firstHeading(text: string, fallback: string): string {
  return parsePage(text).headings.find((h) => h.level === 1)?.text ?? fallback;
}

/** The pages of scripts/site/pages.ts, plus any markdown file under docs/ they leave out. */
function pageSpecs(): PageSpec[] {
  const specs = PAGES.filter((p) => !p.optional || existsSync(join(ROOT, p.source)));
  const missing = specs.filter((p) => !existsSync(join(ROOT, p.source)));
  if (missing.length) throw new Error(`scripts/site/pages.ts names files that do not exist: ${missing.map((p) => p.source).join(', ')}`);
  const placed = new Set(specs.map((p) => p.source));
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) return path === 'docs/api' ? [] : walk(path);
      return e.name.endsWith('.md') ? [path] : [];
    });
  for (const source of walk('docs').sort()) {
    if (placed.has(source)) continue;
    const title = firstHeading(readFileSync(join(ROOT, source), 'utf8'), basename(source, '.md'));
    specs.push({ source, title, group: source.startsWith('docs/experiments/') ? 'Reproductions' : 'Guides' });
  }
  return specs;
}

function stagedName(prefix: string, abs: string): string {
  return `${prefix}${repoPath(abs).replace(/[^A-Za-z0-9_-]+/g, '-')}.md`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}

/** A page showing one repository file (no public repository URL is known to link to instead). */
function sourcePage(abs: string): string {
  const text = readFileSync(abs, 'utf8');
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return [
    `# ${repoPath(abs)}`,
    '',
    `The file \`${repoPath(abs)}\` of the gan-hacks repository, as it was when this site was built.`,
    '',
    `${fence}${LANGUAGE[extname(abs)] ?? ''}`,
    text.replace(/\n$/, ''),
    fence,
    '',
  ].join('\n');
}

/** A page showing every file of a folder of figures that a page links to. */
function galleryPage(abs: string, title: string): string {
  const files = readdirSync(abs).filter((f) => statSync(join(abs, f)).isFile()).sort();
  const lines = [`# ${title}`, '', `The ${files.length} files of \`${repoPath(abs)}/\`, in name order.`, ''];
  for (const f of files) {
    lines.push(IMAGE.test(f) ? `**${f}**\n\n![${f}](${encodeURI(posix(relative(abs, join(abs, f))))})\n` : `- [${f}](${encodeURI(f)})`);
  }
  return lines.join('\n');
}

/**
 * Reads, includes and parses every page, then rewrites each one's links for the staging folder
 * `stage`, generating gallery and source pages as links need them. Throws on any link it cannot place.
 */
function planSite(stage: string): { landing: Page; pages: Page[] } {
  const load = (source: string, title: string, group: string | undefined, staged: string): Page => {
    const abs = join(ROOT, source);
    const { text } = expandIncludes(readFileSync(abs, 'utf8'), abs);
    return { source: abs, title, group, staged, text, parsed: parsePage(text), children: [], generated: false };
  };
  const landing = load(LANDING, 'gan-hacks', undefined, 'index.md');
  const pages = pageSpecs().map((s) => load(s.source, s.title, s.group, stagedName('', join(ROOT, s.source))));
  const bySource = new Map(pages.map((p) => [p.source, p]));
  const generated = new Map<string, Page>();
  const errors: string[] = [];
  const repository = repositoryUrl(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { repository?: string | { url?: string } });

  const generate = (abs: string, parent: Page): Page => {
    const existing = generated.get(abs);
    if (existing) return existing;
    const isDir = statSync(abs).isDirectory();
    const title = isDir ? posix(relative(dirname(parent.source), abs)) : repoPath(abs);
    const text = isDir ? galleryPage(abs, title) : sourcePage(abs);
    const page: Page = { source: abs, title, staged: stagedName(isDir ? 'gallery-' : 'source-', abs), text, parsed: parsePage(text), children: [], generated: true };
    generated.set(abs, page);
    parent.children.push(page);
    return page;
  };

  const anchorIn = (target: Page, fragment: string, samePage: boolean, where: string): string => {
    const anchor = typedocAnchor(target.parsed, fragment);
    if (anchor !== undefined) return anchor;
    // An <a id> that no heading follows stays in the HTML: reachable from its own page only.
    if (samePage && looseIds(target.text).has(fragment)) return fragment;
    errors.push(`${where}: no anchor #${fragment} in ${repoPath(target.source)} (its headings: ${target.parsed.headings.map((h) => `#${h.githubSlug}`).join(' ')})`);
    return fragment;
  };

  const rewrite = (page: Page): void => {
    // Links are relative to the page's folder; a gallery's, to the folder it shows.
    const base = page.generated && statSync(page.source).isDirectory() ? page.source : dirname(page.source);
    page.text = rewriteLinks(page.text, (url, line) => {
      const where = `${repoPath(page.source)}:${line + 1}`;
      if (url === '' || isAbsoluteUrl(url)) return url;
      const [path, fragment] = splitFragment(url);
      if (path === '') return `#${anchorIn(page, fragment ?? '', true, where)}`;
      const abs = resolve(base, decodeURI(path));
      if (!abs.startsWith(ROOT + sep)) {
        errors.push(`${where}: ${url} leaves the repository`);
        return url;
      }
      if (!existsSync(abs)) {
        errors.push(`${where}: ${url} does not exist (${repoPath(abs)})`);
        return url;
      }
      const target = bySource.get(abs) ?? (abs === join(ROOT, LANDING) ? landing : undefined);
      if (target) return fragment === undefined ? target.staged : `${target.staged}#${anchorIn(target, fragment, target === page, where)}`;
      if (abs.endsWith('.md')) {
        errors.push(`${where}: ${url} is markdown that is not a page of the site; add it to scripts/site/pages.ts`);
        return url;
      }
      const isDocsFile = abs.startsWith(join(ROOT, 'docs') + sep) && statSync(abs).isFile();
      if (isDocsFile) return `${encodeURI(posix(relative(stage, abs)))}${fragment === undefined ? '' : `#${fragment}`}`;
      // A file outside docs/: in the public repository if there is one, else a page showing it.
      if (statSync(abs).isFile() && repository) return `${repository}/blob/HEAD/${encodeURI(repoPath(abs))}`;
      // A folder: a gallery page of its figures.
      return generate(abs, page).staged;
    });
  };
  for (const page of [landing, ...pages]) rewrite(page);
  // Generated pages link to their figures or files; a gallery's file outside docs/ adds a page of its own,
  // which this loop reaches too (a Map iterates over entries added during the loop).
  for (const page of generated.values()) rewrite(page);
  if (errors.length) throw new Error(`The docs site has links it cannot place:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  return { landing, pages };
}

function frontMatter(page: Page): string {
  const lines = ['---', `title: ${JSON.stringify(page.title)}`];
  if (page.group) lines.push(`group: ${JSON.stringify(page.group)}`);
  if (page.children.length) lines.push('children:', ...page.children.map((c) => `  - ${JSON.stringify(`./${c.staged}`)}`));
  lines.push('---', '');
  return lines.join('\n');
}

function writeStage(stage: string, landing: Page, pages: Page[]): void {
  writeFileSync(join(stage, landing.staged), landing.text);
  const all = (p: Page): Page[] => [p, ...p.children.flatMap(all)];
  for (const page of pages.flatMap(all)) writeFileSync(join(stage, page.staged), frontMatter(page) + page.text);
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return htmlFiles(path);
    return e.name.endsWith('.html') ? [path] : [];
  });
}

function folderSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      const s = folderSize(path);
      files += s.files;
      bytes += s.bytes;
    } else {
      files++;
      bytes += statSync(path).size;
    }
  }
  return { files, bytes };
}

/** Builds the site; throws (after typedoc has printed why) when typedoc or a link fails. */
export function buildSite(options: BuildOptions = {}): BuildResult {
  const started = performance.now();
  const out = resolve(options.out ?? DEFAULT_OUT);
  const playground = resolve(options.playground ?? DEFAULT_PLAYGROUND);
  const hasPlayground = existsSync(join(playground, 'index.html'));
  const stage = mkdtempSync(join(tmpdir(), 'gan-hacks-site-'));
  try {
    const { landing, pages } = planSite(stage);
    writeStage(stage, landing, pages);
    const config = {
      extends: [join(ROOT, 'typedoc.json')],
      out,
      readme: join(stage, landing.staged),
      projectDocuments: pages.map((p) => join(stage, p.staged)),
      groupOrder: [...GROUP_ORDER, '*'],
      ...(hasPlayground ? { navigationLinks: { Playground: PLAYGROUND_SENTINEL } } : {}),
    };
    writeFileSync(join(stage, 'typedoc.json'), JSON.stringify(config, null, 2));
    const run = spawnSync(process.execPath, [typedocBin, '--options', join(stage, 'typedoc.json'), ...(options.typedocArgs ?? [])], { cwd: ROOT, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`typedoc failed (exit ${run.status ?? run.signal}); its messages are above`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  const pages = htmlFiles(out);
  if (hasPlayground) {
    cpSync(playground, join(out, 'playground'), { recursive: true });
    for (const file of pages) {
      const html = readFileSync(file, 'utf8');
      const toRoot = posix(relative(dirname(file), out)) || '.';
      writeFileSync(file, html.replaceAll(PLAYGROUND_SENTINEL, `${toRoot}/playground/index.html`));
    }
  }
  const size = folderSize(out);
  return { out, pages: pages.length, ...size, seconds: (performance.now() - started) / 1000, playground: hasPlayground };
}

function parseArgs(argv: string[]): BuildOptions {
  const options: BuildOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      options.typedocArgs = argv.slice(i + 1);
      break;
    }
    if ((a === '--out' || a === '--playground') && argv[i + 1] !== undefined) options[a === '--out' ? 'out' : 'playground'] = argv[++i];
    else throw new Error(`build-site: unknown argument ${JSON.stringify(a)}; usage: build-site.ts [--out DIR] [--playground DIR] [-- typedoc options...]`);
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const r = buildSite(parseArgs(process.argv.slice(2)));
    console.log(
      `site: ${r.pages} pages, ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB in ${relative(process.cwd(), r.out) || '.'} (${r.seconds.toFixed(1)} s)` +
        (r.playground ? '; playground copied in and linked' : '; no playground build (site/playground/dist) to include'),
    );
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
