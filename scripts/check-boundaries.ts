/**
 * Fails when a relative import crosses a package folder (`apps/*`, `packages/*`) or
 * reaches from a top-level folder (bench/, reliability/, scripts/) into a package.
 * Cross-package code goes through the package's public entry (`@scryon/x`) or its
 * `@scryon/x/testing` subpath, so each package's internals stay its own.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']*)["']/g;

/** The folder that owns a file: `packages/db`, `apps/server`, or a top-level folder such as `bench`. */
function ownerOf(file: string): string {
  const [top, second] = path.relative(root, file).split(path.sep);
  return top === "apps" || top === "packages" ? `${top}/${second}` : (top ?? "");
}

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: root })
  .toString()
  .split("\n")
  .filter((file) => SOURCE.test(file) && !file.startsWith("fixtures/"));

const violations: string[] = [];
for (const relative of files) {
  const file = path.join(root, relative);
  if (!fs.existsSync(file)) continue;
  const text = fs.readFileSync(file, "utf8");
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1]!;
    const target = path.resolve(path.dirname(file), specifier);
    if (ownerOf(target) !== ownerOf(file)) {
      const line = text.slice(0, match.index).split("\n").length;
      violations.push(`${relative}:${line} imports "${specifier}" from ${ownerOf(target)}`);
    }
  }
}

if (violations.length > 0) {
  console.error(`${violations.length} relative import(s) cross a package boundary; import the package instead:`);
  for (const violation of violations) console.error(`  ${violation}`);
  process.exit(1);
}
console.log(`package boundaries: ${files.length} files, no relative import crosses a package`);
