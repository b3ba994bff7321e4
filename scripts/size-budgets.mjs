// Bundle-size budgets: each entry is a one-line consumer of the built package, bundled with
// esbuild --minify and gzipped at level 9 by scripts/size.mjs. `budget` is in bytes.
// `compare` names a peer measured in the same run (its figure is printed, not enforced).
export const budgets = [
  {
    name: 'IntegrationError',
    code: "import { IntegrationError } from '@wawagot/integrations'; export default IntegrationError;",
    budget: 600,
  },
  {
    name: 'createBus',
    code: "import { createBus } from '@wawagot/integrations/bus'; export default createBus;",
    budget: 1800,
  },
  {
    name: 'compose + retry + circuitBreaker + timeout',
    code: "import { compose, retry, circuitBreaker, timeout } from '@wawagot/integrations/policies'; export default [compose, retry, circuitBreaker, timeout];",
    budget: 2500,
    compare: {
      name: 'cockatiel wrap+retry+breaker+timeout',
      code: "import { wrap, retry, circuitBreaker, timeout } from 'cockatiel'; export default [wrap, retry, circuitBreaker, timeout];",
    },
  },
];
