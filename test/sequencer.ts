import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files start first. Vitest orders files it has no timings for (every fresh clone,
 * so every CI run) by size, largest first; the dashboard's suite file is tiny but starts a seeded
 * Worker, a built dashboard and a browser and runs for a minute, so it would start last and
 * finish alone. Listed files go first in this order; the rest keep vitest's order.
 */
const LONGEST_FIRST = ['dashboard/test/dashboard.test.ts', 'test/e2e/tracker.e2e.test.ts', 'sdk/test/privacy.test.ts', 'sdk/test/modules.test.ts', 'sdk/test/core.test.ts'];

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    return sorted.map((spec, i) => ({ spec, i })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i).map(({ spec }) => spec);
  }
}
