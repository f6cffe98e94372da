/** The whole overview of one site; the signed-in page and the public share page both render it. */
import { component$ } from '@builder.io/qwik';
import { useLocation } from '@builder.io/qwik-city';
import { Breakdown, everythingHref, type ScopeProps } from '../breakdown/breakdown';
import { CARDS } from '../breakdown/cards';
import { Controls } from './controls';
import { MainChart } from './main-chart';
import { TopStats } from './top-stats';
import { InsightsCard } from '../insights/insights-card';

/** `today`: the site's day in its time zone (the date picker steps from it). */
export const Overview = component$<ScopeProps & { live: number | null; today: string }>((props) => {
  const loc = useLocation();
  return (
  <>
    <Controls site={props.site} share={props.share} today={props.today} />
    <TopStats site={props.site} share={props.share} base={props.base} live={props.live} />
    <MainChart site={props.site} share={props.share} base={props.base} today={props.today} />
    <InsightsCard site={props.site} share={props.share} />
    <div class="grid">
      {CARDS.map((card) => (
        <Breakdown key={card.id} card={card} site={props.site} share={props.share} base={props.base} />
      ))}
    </div>
    <p class="export-all">
      <a href={everythingHref(props.site, loc.url)} download data-testid="export-all">
        Export everything (zip of every card as CSV)
      </a>
    </p>
  </>
  );
});
