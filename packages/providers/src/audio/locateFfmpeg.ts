import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { createRequire } from "node:module";
import { delimiter, isAbsolute, join } from "node:path";
import { ProviderError } from "../types";
import { runFfmpeg } from "./runFfmpeg";

export type FfmpegSource = "CONFIGURED" | "SYSTEM" | "NPM_PACKAGE";

export interface FfmpegLocation {
  path: string;
  source: FfmpegSource;
}

export interface LocateFfmpegOptions {
  /** `SCRYON_FFMPEG_PATH`; an unusable value falls through to the next source. */
  configuredPath?: string | null;
  /** Where to look for a system `ffmpeg`; defaults to `process.env.PATH`. */
  searchPath?: string;
  /** Whether the static binary of `@ffmpeg-installer/ffmpeg` may be used as the last resort (default true). */
  allowPackagedBinary?: boolean;
}

const VERSION_CHECK_TIMEOUT_MS = 10_000;

const cache = new Map<string, Promise<FfmpegLocation>>();

/**
 * Finds a working ffmpeg: the configured path, then `ffmpeg` on the PATH, then the
 * binary shipped by `@ffmpeg-installer/ffmpeg`. Each candidate must answer `-version`.
 * Successful look-ups are cached per option set; failures are retried next time.
 */
export function locateFfmpeg(options: LocateFfmpegOptions = {}): Promise<FfmpegLocation> {
  const key = JSON.stringify([
    options.configuredPath ?? null,
    options.searchPath ?? process.env.PATH ?? "",
    options.allowPackagedBinary ?? true,
  ]);
  let located = cache.get(key);
  if (!located) {
    located = findWorkingFfmpeg(options);
    cache.set(key, located);
    located.catch(() => cache.delete(key));
  }
  return located;
}

/** Forgets cached locations (tests, or after the binary was replaced). */
export function clearFfmpegLocationCache(): void {
  cache.clear();
}

async function findWorkingFfmpeg(options: LocateFfmpegOptions): Promise<FfmpegLocation> {
  const configured = options.configuredPath?.trim();
  if (configured && (await answersVersion(configured))) return { path: configured, source: "CONFIGURED" };

  for (const candidate of systemCandidates(options.searchPath ?? process.env.PATH ?? "")) {
    if ((await isExecutable(candidate)) && (await answersVersion(candidate)))
      return { path: candidate, source: "SYSTEM" };
  }

  if (options.allowPackagedBinary ?? true) {
    const packaged = packagedBinaryPath();
    if (packaged && (await answersVersion(packaged))) return { path: packaged, source: "NPM_PACKAGE" };
  }

  throw new ProviderError("ffmpeg_not_found", "no working ffmpeg binary was found");
}

function systemCandidates(searchPath: string): string[] {
  const names = process.platform === "win32" ? ["ffmpeg.exe"] : ["ffmpeg"];
  return searchPath
    .split(delimiter)
    .filter((directory) => directory && isAbsolute(directory))
    .flatMap((directory) => names.map((name) => join(directory, name)));
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function answersVersion(path: string): Promise<boolean> {
  let stdout = "";
  try {
    const { exitCode } = await runFfmpeg(path, ["-hide_banner", "-version"], {
      timeoutMs: VERSION_CHECK_TIMEOUT_MS,
      onStdout: (chunk) => {
        if (stdout.length < 256) stdout += chunk.toString("utf8");
      },
    });
    return exitCode === 0 && stdout.startsWith("ffmpeg version");
  } catch {
    return false;
  }
}

function packagedBinaryPath(): string | null {
  try {
    // Required lazily: the package throws at load time on platforms it has no binary for.
    const installer = createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as { path?: unknown };
    return typeof installer.path === "string" ? installer.path : null;
  } catch {
    return null;
  }
}
