/** Command-line options shared by every benchmark: `--scale 0.1`, `--duration 5`. */
export function benchOptions(argv = process.argv.slice(2)): { scale: number; durationSeconds: number | null } {
  const flagValue = (flag: string) => {
    const index = argv.indexOf(flag);
    const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
    return inline ? inline.slice(flag.length + 1) : index >= 0 ? argv[index + 1] : undefined;
  };
  const number = (flag: string) => {
    const raw = flagValue(flag);
    if (raw === undefined) return null;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} must be a positive number`);
    return value;
  };
  return { scale: number("--scale") ?? 1, durationSeconds: number("--duration") };
}

export const ratio = (value: number, baseline: number) => (baseline > 0 ? `${(value / baseline).toFixed(2)}×` : "n/a");

export const fixed = (value: number, digits = 1) =>
  Math.abs(value) >= 1000 ? Math.round(value).toLocaleString("en-US") : value.toFixed(digits);

/** Prints a small aligned table with a title line. */
export function printTable(title: string, header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** Writes progress to stderr so that stdout holds only the tables. */
export const progress = (message: string) => process.stderr.write(`  … ${message}\n`);
