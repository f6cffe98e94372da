/** One Core Web Vital: its p75 and the good / needs improvement / poor shares as one bar. */
import { component$ } from '@builder.io/qwik';
import type { VitalMetricAnswer } from '../../../../contract/reports';
import { formatNumber } from '../../lib/format';
import { formatVital, VITAL_LABELS, type VitalName } from './report-params';

export const DistributionBar = component$<{ answer: VitalMetricAnswer; label: string }>(({ answer, label }) => {
  const parts = [
    { key: 'good', share: answer.good, name: 'good' },
    { key: 'needs_improvement', share: answer.needs_improvement, name: 'needs improvement' },
    { key: 'poor', share: answer.poor, name: 'poor' },
  ];
  return (
    <div class="vital-bar" role="img" aria-label={`${label}: ${parts.map((p) => `${p.share}% ${p.name}`).join(', ')}`}>
      {parts.map((p) =>
        p.share > 0 ? <span key={p.key} class={`vital-${p.key}`} style={{ width: `${p.share}%` }} data-share={p.key} data-value={p.share} /> : null,
      )}
    </div>
  );
});

export const MetricCard = component$<{ metric: VitalName; answer: VitalMetricAnswer }>(({ metric, answer }) => {
  return (
    <section class="card vital-card" data-vital={metric} aria-labelledby={`vital-${metric}`}>
      <h2 id={`vital-${metric}`} title={VITAL_LABELS[metric]}>{metric}</h2>
      <p class="vital-p75">
        <span data-p75={answer.p75 ?? ''}>{formatVital(metric, answer.p75)}</span> <span class="muted">p75</span>
      </p>
      {answer.samples > 0 ? (
        <>
          <DistributionBar answer={answer} label={metric} />
          <p class="vital-shares muted">
            <span class="vital-good-text">{answer.good}% good</span> · {answer.needs_improvement}% needs improvement · {answer.poor}% poor
          </p>
        </>
      ) : (
        <p class="muted">no samples</p>
      )}
      <p class="muted vital-samples">
        <span data-samples={answer.samples}>{formatNumber(answer.samples)}</span> samples
      </p>
    </section>
  );
});
