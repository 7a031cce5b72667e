// Check that the committed type declarations (types/) are what tsc makes of the JSDoc today.
// `npm run types` rewrites them; this only compares, so a stale types/ fails `make test-js`.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const client = fileURLToPath(new URL("..", import.meta.url));
const committed = join(client, "types");
const fresh = mkdtempSync(join(tmpdir(), "client-types-"));

/** @param {string} dir @returns {string[]} every file under dir, relative to it */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

try {
  const tsc = join(client, "node_modules", "typescript", "bin", "tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.types.json", "--outDir", fresh], { cwd: client, stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const expected = filesUnder(fresh);
  const stale = expected.filter((file) => {
    try {
      return readFileSync(join(committed, file), "utf8") !== readFileSync(join(fresh, file), "utf8");
    } catch {
      return true;
    }
  });
  const extra = filesUnder(committed).filter((file) => !expected.includes(file));
  if (stale.length || extra.length) {
    console.error(`types/ is out of date (run \`npm run types\`): ${[...stale, ...extra].join(", ")}`);
    process.exit(1);
  }
  console.log(`types/ matches the JSDoc (${expected.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
