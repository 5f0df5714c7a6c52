import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTING_NAMES } from "../src/index";

const readme = fs.readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const configurationSection = readme.slice(
  readme.indexOf("## Configuration"),
  readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1),
);

/** Names in the settings table, with `_SUFFIX` shorthands expanded from the first name in their row. */
function documentedNames(section: string): Set<string> {
  const names = new Set<string>();
  for (const line of section.split("\n")) {
    const tokens = [...line.matchAll(/\b_?[A-Z][A-Z0-9_]{2,}\b/g)].map((match) => match[0]);
    const first = tokens.find((token) => !token.startsWith("_"));
    for (const token of tokens) {
      if (!token.startsWith("_")) names.add(token);
      else if (first) names.add(first.slice(0, first.lastIndexOf("_")) + token);
    }
  }
  return names;
}

describe("the README's settings table", () => {
  it("documents every environment variable the server reads", () => {
    const documented = documentedNames(configurationSection);
    expect(SETTING_NAMES.filter((name) => !documented.has(name))).toEqual([]);
  });

  it("lists each variable in one row only", () => {
    const rows = configurationSection.split("\n").filter((line) => line.startsWith("| `"));
    const firstNames = rows.map((row) => /`([A-Z][A-Z0-9_]+)`/.exec(row)?.[1]);
    expect(firstNames.filter((name, index) => firstNames.indexOf(name) !== index)).toEqual([]);
  });
});
