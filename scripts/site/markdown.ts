/**
 * Reading and rewriting the repository's markdown for the docs site: headings and the anchors each
 * renderer gives them, links outside code, and `<!-- include -->` of a section of another file.
 *
 * Headings are parsed with typedoc's own markdown-it and slugged with typedoc's own `Slugger`, so an
 * anchor computed here is the one typedoc renders (typedoc also checks every cross-page anchor itself).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TypeDoc from 'typedoc';

interface MdToken {
  type: string;
  tag: string;
  content: string;
  children: MdToken[] | null;
  map: [number, number] | null;
}
interface MarkdownIt {
  parse(src: string, env: object): MdToken[];
}

// typedoc is located through its package.json: tsconfig's baseUrl "." makes tsx resolve a bare
// 'typedoc' to the repository's typedoc.json.
const requireHere = createRequire(import.meta.url);
const typedocPackage = requireHere.resolve('typedoc/package.json');
const typedocMain = join(dirname(typedocPackage), (JSON.parse(readFileSync(typedocPackage, 'utf8')) as { exports: { '.': { default: string } } }).exports['.'].default);
/** typedoc's module (its Application, Slugger, ...). */
export const typedoc = (await import(pathToFileURL(typedocMain).href)) as typeof TypeDoc;
/** The typedoc CLI script. */
export const typedocBin = join(dirname(typedocPackage), 'bin/typedoc');
// typedoc's own copy of markdown-it (resolved from typedoc, whatever npm hoists), with typedoc's `html: true`.
const MarkdownItCtor = createRequire(typedocMain)('markdown-it') as new (options: object) => MarkdownIt;
const md = new MarkdownItCtor({ html: true, linkify: false });
const { Slugger } = typedoc;

export interface Heading {
  level: number;
  /** The heading's text as typedoc reads it: text only (code spans are left out). */
  text: string;
  /** The anchor typedoc renders for it on its page. */
  slug: string;
  /** The anchor GitHub renders for it (code spans kept), which the repository's links use. */
  githubSlug: string;
  /** The `<a id="...">` placed right above it, if any. */
  explicitId?: string;
  /** 0-based line of the heading in the source. */
  line: number;
}

export interface ParsedPage {
  headings: Heading[];
  /** Line ranges [start, end) of fenced and indented code blocks, where nothing is a link. */
  codeLines: [number, number][];
}

/** typedoc's getTokenTextContent: the text tokens of a heading, nothing else (code spans drop out). */
function typedocText(token: MdToken): string {
  if (token.children) return token.children.map(typedocText).join('');
  return token.type === 'text' ? token.content : '';
}

/** The heading's rendered text on GitHub: text and code spans. */
function githubText(token: MdToken): string {
  if (token.children) return token.children.map(githubText).join('');
  return token.type === 'text' || token.type === 'code_inline' ? token.content : '';
}

/** github-slugger's rule: lower case, drop everything but letters, digits, marks, `_`, `-` and spaces, spaces to `-`. */
class GithubSlugger {
  private readonly seen = new Map<string, number>();
  slug(text: string): string {
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    let slug = base;
    let n = this.seen.get(base) ?? 0;
    if (this.seen.has(base)) {
      do slug = `${base}-${++n}`;
      while (this.seen.has(slug));
    }
    this.seen.set(base, n);
    this.seen.set(slug, 0);
    return slug;
  }
}

const EXPLICIT_ID = /^<a id="([^"]+)"><\/a>\s*$/;

/** Headings (with both renderers' anchors and any `<a id>` right above them) and code-block lines of a page. */
export function parsePage(text: string): ParsedPage {
  const tokens = md.parse(text, {});
  const slugger = new Slugger({ lowercase: true });
  const github = new GithubSlugger();
  const headings: Heading[] = [];
  const codeLines: [number, number][] = [];
  let pendingId: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if ((t.type === 'fence' || t.type === 'code_block') && t.map) codeLines.push(t.map);
    // `<a id="x"></a>` alone on a line: an HTML block, or (followed by a heading) a paragraph of its own.
    const idLine = t.type === 'html_block' || (t.type === 'inline' && tokens[i - 1]?.type === 'paragraph_open') ? EXPLICIT_ID.exec(t.content.trim()) : null;
    if (idLine) {
      pendingId = idLine[1];
      continue;
    }
    if (t.type === 'heading_open') {
      const inline = tokens[i + 1];
      headings.push({
        level: Number(t.tag.slice(1)),
        text: typedocText(inline),
        slug: slugger.slug(typedocText(inline)),
        githubSlug: github.slug(githubText(inline)),
        explicitId: pendingId,
        line: t.map ? t.map[0] : -1,
      });
      i++; // its inline token
      pendingId = undefined;
      continue;
    }
    if (t.type !== 'paragraph_open' && t.type !== 'paragraph_close' && t.type !== 'heading_close') pendingId = undefined;
  }
  return { headings, codeLines };
}

/**
 * The typedoc anchor that a link's fragment written for GitHub means on the page: an `<a id>` above a
 * heading or a GitHub heading anchor map to that heading's typedoc anchor; a typedoc anchor is kept.
 * Undefined when the page has no such anchor.
 */
export function typedocAnchor(page: ParsedPage, fragment: string): string | undefined {
  const h =
    page.headings.find((x) => x.explicitId === fragment) ??
    page.headings.find((x) => x.githubSlug === fragment) ??
    page.headings.find((x) => x.slug === fragment);
  return h?.slug;
}

/** The explicit `<a id="...">` anchors of a page that no heading follows (kept as they are in the HTML). */
export function looseIds(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(/<a id="([^"]+)"><\/a>/g)) ids.add(m[1]);
  for (const h of parsePage(text).headings) if (h.explicitId) ids.delete(h.explicitId);
  return ids;
}

// A markdown link or image target `](url)` / `](url "title")`, and src/href attributes of inline HTML.
const LINK = /(\]\()(<[^>]*>|[^\s)]+)((?:\s+"[^"]*")?\))|(\b(?:src|href)=")([^"]*)(")/g;

/**
 * Calls `rewrite` on every link target of `text` outside code (fenced and indented blocks, inline code
 * spans) and puts back what it returns. Autolinks (`<https://...>`) are left alone: they are absolute.
 */
export function rewriteLinks(text: string, rewrite: (url: string, line: number) => string): string {
  const { codeLines } = parsePage(text);
  const inCode = (line: number): boolean => codeLines.some(([a, b]) => line >= a && line < b);
  return text
    .split('\n')
    .map((line, n) => {
      if (inCode(n)) return line;
      // Split off inline code spans (a run of backticks up to the same run): [text, ticks, code, text, ...].
      const parts = line.split(/(`+)([^`]*?)\1/);
      let out = '';
      for (let k = 0; k < parts.length; k += 3) {
        out += parts[k].replace(LINK, (_whole, open?: string, url?: string, close?: string, attr?: string, attrUrl?: string, quote?: string) => {
          if (open !== undefined && url !== undefined && close !== undefined) {
            return `${open}${rewrite(url.startsWith('<') ? url.slice(1, -1) : url, n)}${close}`;
          }
          return `${attr}${rewrite(attrUrl ?? '', n)}${quote}`;
        });
        if (k + 1 < parts.length) out += `${parts[k + 1]}${parts[k + 2]}${parts[k + 1]}`;
      }
      return out;
    })
    .join('\n');
}

/** Whether a link target is a URL with a scheme (`https:`, `mailto:`), i.e. not a path in the repository. */
export function isAbsoluteUrl(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url);
}

/** Splits `path#fragment` (a query, if any, stays with the path). */
export function splitFragment(url: string): [string, string | undefined] {
  const i = url.indexOf('#');
  return i < 0 ? [url, undefined] : [url.slice(0, i), url.slice(i + 1)];
}

/** The body of the section under the heading `title` of `file`: from after the heading to the next heading of any level. */
export function section(file: string, title: string): string {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const { headings } = parsePage(text);
  const i = headings.findIndex((h) => h.text === title || h.githubSlug === title);
  if (i < 0) throw new Error(`${file} has no heading ${JSON.stringify(title)} (headings: ${headings.map((h) => JSON.stringify(h.text)).join(', ')})`);
  const end = i + 1 < headings.length ? headings[i + 1].line : lines.length;
  return lines.slice(headings[i].line + 1, end).join('\n').trim();
}

const INCLUDE = /^<!-- include (\S+) "([^"]+)" -->$/gm;

/**
 * Replaces each `<!-- include path "Heading" -->` line of `text` (a file at `from`) by that section of
 * the file at `path` (relative to `from`), its relative links rebased so they still point at the same files.
 * Returns the text and the files included (for error messages and rebuild checks).
 */
export function expandIncludes(text: string, from: string): { text: string; included: string[] } {
  const included: string[] = [];
  const out = text.replace(INCLUDE, (_line, path: string, title: string) => {
    const file = resolve(dirname(from), path);
    included.push(file);
    const body = section(file, title);
    return rewriteLinks(body, (url) => {
      if (isAbsoluteUrl(url) || url.startsWith('#') || url === '') return url;
      const [p, frag] = splitFragment(url);
      const rebased = relative(dirname(from), resolve(dirname(file), p)).split(sep).join('/');
      return frag === undefined ? rebased : `${rebased}#${frag}`;
    });
  });
  return { text: out, included };
}
