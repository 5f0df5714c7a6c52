/**
 * `count` strings of up to `maxPieces` pieces drawn from `pieces` by a small deterministic generator
 * (xorshift from `seed`), so a differential test's failure names a reproducible case.
 */
export function* generatedStrings(pieces: readonly string[], count: number, maxPieces: number, seed: number) {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let n = 0; n < count; n++) {
    const length = Math.floor(next() * maxPieces);
    let value = "";
    for (let i = 0; i < length; i++) value += pieces[Math.floor(next() * pieces.length)];
    yield value;
  }
}
