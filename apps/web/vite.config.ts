import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Where `npm start` expects the server at development time (`npm run dev -w @scryon/web`). */
const apiTarget = process.env.SCRYON_API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // One small app: a single chunk keeps the served file list (and the CSP) simple.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      "/api": apiTarget,
      "/trpc": apiTarget,
    },
  },
});
