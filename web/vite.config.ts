import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * Builds the inspector page: root web/, output dist/web (served by `framescope
 * serve`). `npm run dev` serves it with hot reload and proxies /session to a
 * bridge already running on FRAMESCOPE_BRIDGE (default 127.0.0.1:7480); start
 * that bridge with `--origin http://localhost:5173` so it accepts the dev page.
 */
const bridge = process.env["FRAMESCOPE_BRIDGE"] ?? "127.0.0.1:7480";
const outDir = fileURLToPath(new URL("../dist/web", import.meta.url));

/**
 * `tsc -p tsconfig.build.json` also writes dist/web/src (the decode core and
 * session modules the bridge and CLI import), so the output folder is not
 * emptied as a whole: only the page's own files are removed before a build.
 */
function cleanPageOutput(): Plugin {
  return {
    name: "framescope-clean-page-output",
    apply: "build",
    buildStart() {
      rmSync(`${outDir}/assets`, { recursive: true, force: true });
      rmSync(`${outDir}/index.html`, { force: true });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [react(), cleanPageOutput()],
  build: {
    outDir,
    emptyOutDir: false,
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: "es" },
  server: {
    port: 5173,
    strictPort: true,
    // As the bridge serves the page: cross-origin isolated, so chunks are shared with the worker.
    headers: {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    },
    proxy: { "/session": { target: `ws://${bridge}`, ws: true } },
  },
});
