import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The 3D twin's browser app. `citytwin serve` builds it into dist/twin-ui on demand (or serves it
 * through vite's dev server with `--dev`); the app talks only to the server that served it.
 * Paths are absolute so the command works from any working directory.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./twin-ui', import.meta.url)),
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist/twin-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    sourcemap: true,
  },
  server: { host: '127.0.0.1' },
});
