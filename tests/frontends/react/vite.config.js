// Builds the app against a baked project's client: the template's tests name it in
// AUTH_CLIENT_ENTRY (its client/src/index.js) and say where the build goes (APP_OUT_DIR).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const clientEntry = process.env.AUTH_CLIENT_ENTRY;
if (!clientEntry) {
  throw new Error("Set AUTH_CLIENT_ENTRY to a baked project's client/src/index.js");
}

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs: the build is served from a sub-folder of the app's host.
  base: "./",
  resolve: { alias: { "auth-client": clientEntry } },
  build: { outDir: process.env.APP_OUT_DIR ?? "dist", emptyOutDir: true, minify: false },
});
