import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { UserError } from '../cli/user-error.ts';

/** Serves the viewer's files: the built bundle, or vite's dev server with hot reload. */
export interface ViewerAssets {
  readonly mode: 'built' | 'dev';
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

const STAMP = '.source-hash';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** Hash of everything the bundle is made from, so a changed checkout rebuilds and an unchanged one does not. */
export function viewerSourceHash(root: string): string {
  const hash = createHash('sha256');
  const files = [
    ...listFiles(join(root, 'twin-ui')),
    join(root, 'sim/twin/wire.ts'),
    join(root, 'vite.config.ts'),
    join(root, 'package-lock.json'),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash.update(file.slice(root.length));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/**
 * Makes sure `dist/twin-ui` holds a bundle of the current sources, building it with vite when it is
 * missing or stale. Why on demand: `npm install && npm start` on a fresh clone must just work, and
 * `dist/` is not committed. The bundle is built into a temporary directory and renamed into place,
 * so two servers starting at once never serve a half-written bundle.
 */
export async function ensureViewerBuilt(root: string, log: (line: string) => void): Promise<string> {
  const outDir = join(root, 'dist/twin-ui');
  const hash = viewerSourceHash(root);
  const stamp = join(outDir, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return outDir;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    if (existsSync(join(outDir, 'index.html'))) {
      log('warning: twin-ui/ changed since the viewer was built, and vite is not installed to rebuild it');
      return outDir;
    }
    throw new UserError(
      'the 3D viewer is not built and vite is not installed: run `npm install` (with dev dependencies)',
    );
  }
  log('building the 3D viewer (vite build, once per change of twin-ui/)…');
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await vite.build({
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true },
  });
  writeFileSync(join(tmp, STAMP), hash);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  return outDir;
}

/** Serves a built bundle: hashed assets cache forever, index.html never; paths cannot leave the directory. */
export function builtViewer(dir: string): ViewerAssets {
  const base = resolve(dir);
  return {
    mode: 'built',
    handle(req, res) {
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      } catch {
        res.writeHead(400).end('bad path');
        return;
      }
      if (path.endsWith('/')) path += 'index.html';
      const file = resolve(base, normalize(`.${path}`));
      if (file !== base && !file.startsWith(base + sep)) {
        res.writeHead(404).end('not found');
        return;
      }
      if (!existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const immutable = path.startsWith('/assets/');
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      createReadStream(file).pipe(res);
    },
    close: async () => {},
  };
}

/** vite's dev server as middleware on the twin's own HTTP server: edit twin-ui/ and the page hot-reloads. */
export async function devViewer(root: string, server: HttpServer): Promise<ViewerAssets> {
  const vite = await import('vite');
  const dev = await vite.createServer({
    configFile: join(root, 'vite.config.ts'),
    server: { middlewareMode: true, ws: { server } },
    appType: 'spa',
    logLevel: 'warn',
  });
  return {
    mode: 'dev',
    handle(req, res) {
      dev.middlewares(req, res, () => res.writeHead(404).end('not found'));
    },
    close: () => dev.close(),
  };
}
