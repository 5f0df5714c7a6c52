import type { AnalysisDocument } from "@scryon/analysis";
import { humanize } from "../lib/format";
import { SentimentChart } from "./SentimentChart";

export function AnalysisPanel({ analysis }: { analysis: AnalysisDocument }) {
  const { sentiment, tone } = analysis;
  const sections = (analysis.sections ?? []).filter((section) => section.summary || (section.items?.length ?? 0) > 0);
  const toneFacts = [
    tone?.formality,
    tone?.energy && `${tone.energy} energy`,
    tone?.pace && `${tone.pace} pace`,
  ].filter(Boolean);
  return (
    <section className="panel analysis" aria-labelledby="analysis-heading">
      <h2 id="analysis-heading">Analysis</h2>
      {analysis.oneLineSummary && <p className="lede">{analysis.oneLineSummary}</p>}
      {analysis.executiveSummary && analysis.executiveSummary !== analysis.oneLineSummary && (
        <p>{analysis.executiveSummary}</p>
      )}

      {(analysis.tags?.length || analysis.callType) && (
        <ul className="tags" aria-label="Tags">
          {analysis.callType && analysis.callType !== "unknown" && (
            <li className="tag tag-type">{humanize(analysis.callType)}</li>
          )}
          {analysis.tags?.map((tag) => (
            <li key={tag} className="tag">
              {tag}
            </li>
          ))}
        </ul>
      )}

      {sections.map((section, index) => (
        <div key={section.id ?? index} className="analysis-section">
          <h3>{section.title ?? humanize(section.type ?? "section")}</h3>
          {section.summary && <p>{section.summary}</p>}
          {section.items && section.items.length > 0 && (
            <ul>
              {section.items.map((item, itemIndex) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a read-only list that is never reordered
                <li key={itemIndex} className={item.importance === "high" ? "important" : undefined}>
                  {item.text}
                  {item.speaker && <span className="muted"> — {item.speaker}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}

      {sentiment && (
        <div className="analysis-section">
          <h3>Sentiment</h3>
          <p>
            {sentiment.overall && (
              <span className={`sentiment sentiment-${sentiment.overall}`}>{humanize(sentiment.overall)}</span>
            )}
            {typeof sentiment.score === "number" && <span className="muted"> score {sentiment.score.toFixed(2)}</span>}
            {sentiment.reason && <span> — {sentiment.reason}</span>}
          </p>
          {sentiment.progression && sentiment.progression.length > 0 && (
            <SentimentChart progression={sentiment.progression} />
          )}
        </div>
      )}

      {tone && (tone.overall || toneFacts.length > 0 || tone.descriptors?.length) && (
        <div className="analysis-section">
          <h3>Tone</h3>
          {tone.overall && <p>{tone.overall}</p>}
          <ul className="tags" aria-label="Tone">
            {[...(tone.descriptors ?? []), ...toneFacts].map((descriptor) => (
              <li key={String(descriptor)} className="tag tag-tone">
                {String(descriptor)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
