import fs from "node:fs/promises";
import path from "node:path";
import { usageError } from "./exit-codes";

/** Extensions picked up when a folder is given; the server still checks the bytes. */
export const AUDIO_EXTENSIONS = [".m4a", ".mp3", ".wav", ".aac", ".ogg"] as const;

const isAudioName = (name: string) =>
  (AUDIO_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());

/**
 * Files are taken as given (whatever their name); folders are walked
 * recursively for audio files. Result: absolute paths, deduplicated, folder
 * contents sorted so runs are reproducible.
 */
export async function expandAudioInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const absolute = path.resolve(input);
    const stat = await fs.stat(absolute).catch(() => null);
    if (!stat) throw usageError(`No such file or folder: ${input}`);
    if (stat.isDirectory()) files.push(...(await audioFilesUnder(absolute)));
    else if (stat.isFile()) files.push(absolute);
    else throw usageError(`Not a file or folder: ${input}`);
  }
  const unique = [...new Set(files)];
  if (unique.length === 0) throw usageError(`No audio files (${AUDIO_EXTENSIONS.join(" ")}) in: ${inputs.join(", ")}`);
  return unique;
}

async function audioFilesUnder(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && isAudioName(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
