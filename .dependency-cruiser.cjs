/**
 * The import rules of the house (README "Layout"), checked by `npm run check:imports` as part of
 * `npm test`: no cycles anywhere, and no import that blurs two rooms.
 */
const PRODUCT = '^(workers|durable-objects|contract|sdk/src|sdk/client|dashboard/src)/';
const TEST_FILE = '(^test/|/test/|\\.test\\.[cm]?[jt]sx?$|\\.suite\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      // Type-only imports are erased at build time; the one loop they form is Env naming the
      // Durable Object classes (typed RPC stubs) while each class takes Env: Workers' own pattern.
      comment: 'Modules never import each other in a loop.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'product-not-test',
      severity: 'error',
      comment: 'Product code never imports test helpers or tests.',
      from: { path: PRODUCT, pathNot: TEST_FILE },
      to: { path: TEST_FILE },
    },
    {
      name: 'contract-stands-alone',
      severity: 'error',
      comment: 'contract/ is what the rooms agree on; it depends on no room.',
      from: { path: '^contract/' },
      to: { path: '^(workers|durable-objects|dashboard|sdk|test|bench|scripts)/' },
    },
    {
      name: 'read-path-not-rollup-writer',
      severity: 'error',
      comment: 'The query engine and the reports read rollups; they never import what writes them (only their shape).',
      from: { path: '^workers/(query|reports)/', pathNot: TEST_FILE },
      to: { path: '^workers/rollups/', pathNot: '^workers/rollups/(shape|stale-days)\\.ts$' },
    },
    {
      name: 'dashboard-only-contract',
      severity: 'error',
      comment: 'The dashboard talks to the Worker over HTTP; of the Worker it shares only contract/.',
      from: { path: '^dashboard/src/' },
      to: { path: '^(workers|durable-objects|sdk/src|scripts|bench)/' },
    },
    {
      name: 'sdk-only-contract',
      severity: 'error',
      comment: 'The tracker and the API client ship to browsers; of the Worker they share only contract/.',
      from: { path: '^sdk/(src|client)/' },
      to: { path: '^(workers|durable-objects|dashboard|scripts|bench)/' },
    },
    {
      name: 'worker-not-do-internals',
      severity: 'error',
      comment: "Worker code reaches a Durable Object through its class's RPC methods, not its internals.",
      from: { path: '^workers/', pathNot: TEST_FILE },
      to: { path: '^durable-objects/[^/]+/' },
    },
    {
      name: 'do-not-worker-rooms',
      severity: 'error',
      comment: 'Durable Objects use contract/ and workers/lib/, not the Worker’s rooms.',
      from: { path: '^durable-objects/', pathNot: TEST_FILE },
      to: { path: '^workers/', pathNot: '^workers/(lib/|env\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.wrangler|server)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
