/** Times and confidences are published to the millisecond / thousandth: enough, and stable in JSON. */
export function roundTo3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
