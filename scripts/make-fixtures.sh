#!/usr/bin/env bash
# Regenerates fixtures/audio/* and fixtures/calls/*/{call.m4a,timings.json,
# transcription.verbose.json,diarization.pyannote.json} from the hand-written
# fixtures/calls/*/script.json files. Deterministic for a given set of tool versions;
# the outputs are committed, so tests need nothing beyond `npm ci`.
#
# Needs: node >= 20, espeak-ng, sox (with soxi), ffmpeg (with libmp3lame and libopus).
set -euo pipefail

cd "$(dirname "$0")/.."

missing=()
for tool in node espeak-ng sox soxi ffmpeg; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "make-fixtures: missing tools: ${missing[*]} (Debian/Ubuntu: apt-get install espeak-ng sox ffmpeg)" >&2
  exit 1
fi

# Encoders differ between releases; say which ones produced these bytes.
echo "espeak-ng: $(espeak-ng --version | head -n1)"
echo "$(sox --version | head -n1)"
echo "ffmpeg:    $(ffmpeg -hide_banner -version | head -n1)"

node scripts/fixtures/make-fixtures.mjs
