/**
 * A static server for the built docs site (`npm run docs:serve`, then open the printed URL), with the
 * content types a browser needs for CSS, scripts, images and WASM, and the COOP/COEP headers that make
 * the pages cross-origin isolated, as the playground's WASM threads need (SharedArrayBuffer).
 *
 * `npx tsx scripts/site/serve.ts [DIR] [--port N]` (DIR defaults to site/dist, the port to 8080; 0 picks a free one).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.py': 'text/plain; charset=utf-8',
};

export interface SiteServer {
  url: string;
  /** Paths requested that were not found (404), in order. */
  notFound: string[];
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 (`port` 0: a free one); a folder's URL serves its index.html. */
export async function serveSite(dir: string, port = 0): Promise<SiteServer> {
  const root = resolve(dir);
  const notFound: string[] = [];
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let path = join(root, pathname);
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cache-Control', 'no-store');
    if (relative(root, path).startsWith('..') || !existsSync(path) || !statSync(path).isFile()) {
      notFound.push(pathname);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const address = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${address.port}/`, notFound, close: () => new Promise((ok) => server.close(() => ok())) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const p = args.indexOf('--port');
  const port = p >= 0 ? Number(args[p + 1]) : 8080;
  const dir = args.find((a, i) => !a.startsWith('--') && (p < 0 || i !== p + 1)) ?? join(dirname(fileURLToPath(import.meta.url)), '../../site/dist');
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`${dir} has no index.html: build the site first (npm run docs)`);
    process.exit(1);
  }
  const { url } = await serveSite(dir, port);
  console.log(`serving ${relative(process.cwd(), resolve(dir)) || '.'} at ${url} (Ctrl+C stops)`);
}
