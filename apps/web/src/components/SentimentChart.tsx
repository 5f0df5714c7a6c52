import type { AnalysisDocument } from "@scryon/analysis";

type Progression = NonNullable<NonNullable<AnalysisDocument["sentiment"]>["progression"]>;

/** Where each label sits on the chart: +1 positive, −1 negative; "unclear" has no point. */
const LEVEL: Record<string, number | undefined> = { positive: 1, mixed: 0, neutral: 0, negative: -1 };

const WIDTH = 320;
const HEIGHT = 96;
const PAD_X = 34;
const PAD_Y = 14;

/** A small line chart of the sentiment per call phase, drawn as inline SVG (no chart library). */
export function SentimentChart({ progression }: { progression: Progression }) {
  const points = progression.map((step, index) => {
    const level = step.overall ? LEVEL[step.overall] : undefined;
    const x = progression.length === 1 ? WIDTH / 2 : PAD_X + (index * (WIDTH - 2 * PAD_X)) / (progression.length - 1);
    const y = level === undefined ? undefined : PAD_Y + ((1 - level) / 2) * (HEIGHT - 2 * PAD_Y);
    return { x, y, step };
  });
  const plotted = points.filter((point): point is typeof point & { y: number } => point.y !== undefined);
  const description = progression.map((step) => `${step.phase ?? "phase"}: ${step.overall ?? "unclear"}`).join(", ");
  return (
    <figure className="sentiment-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 18}`} role="img" aria-label={`Sentiment over the call: ${description}`}>
        {[1, 0, -1].map((level) => {
          const y = PAD_Y + ((1 - level) / 2) * (HEIGHT - 2 * PAD_Y);
          return (
            <line
              key={level}
              x1={PAD_X}
              x2={WIDTH - PAD_X}
              y1={y}
              y2={y}
              className={level === 0 ? "axis zero" : "axis"}
            />
          );
        })}
        {plotted.length > 1 && (
          <polyline points={plotted.map((point) => `${point.x},${point.y}`).join(" ")} className="trend" />
        )}
        {plotted.map((point, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: one point per phase, in a fixed order
          <circle key={index} cx={point.x} cy={point.y} r={4.5} className={`dot dot-${point.step.overall}`}>
            <title>{`${point.step.phase ?? ""}: ${point.step.overall ?? ""}${point.step.note ? ` — ${point.step.note}` : ""}`}</title>
          </circle>
        ))}
        {points.map((point, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: one label per phase, in a fixed order
          <text key={index} x={point.x} y={HEIGHT + 12} textAnchor="middle" className="phase-label">
            {point.step.phase ?? ""}
          </text>
        ))}
      </svg>
    </figure>
  );
}
