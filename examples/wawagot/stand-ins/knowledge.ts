// Stand-in for a knowledge-graph GraphQL API, executed by the real `graphql` package, with a
// small REST view (GET /v1/entities/:id) of the same facts.
import { buildSchema, graphql } from 'graphql';
import type { FaultOptions } from './faults.js';
import { faultInjector } from './faults.js';
import { json, type StandIn, startStandIn } from './http.js';

const schema = buildSchema(`
  type Fact { subject: String!, predicate: String!, object: String! }
  type Entity { id: ID!, name: String!, facts: [Fact!]! }
  type Query {
    entity(id: ID!): Entity
    search(text: String!): [Entity!]!
  }
  type Mutation {
    addFact(subject: String!, predicate: String!, object: String!): Fact!
  }
`);

export function startKnowledge(faults: FaultOptions = {}): Promise<StandIn & { facts: unknown[] }> {
  const facts: Array<{ subject: string; predicate: string; object: string }> = [];
  const entity = (id: string) => ({ id, name: id, facts: facts.filter((f) => f.subject === id) });
  const rootValue = {
    entity: ({ id }: { id: string }) => (facts.some((f) => f.subject === id) ? entity(id) : null),
    search: ({ text }: { text: string }) =>
      [...new Set(facts.filter((f) => f.object.includes(text) || f.subject.includes(text)).map((f) => f.subject))].map(
        entity,
      ),
    addFact: (fact: { subject: string; predicate: string; object: string }) => {
      facts.push(fact);
      return fact;
    },
  };
  return startStandIn(
    'knowledge',
    async (req, res, body) => {
      // A REST view of the same graph: GET /v1/entities/:id.
      const rest = /^\/v1\/entities\/([\w-]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && rest) {
        const found = rootValue.entity({ id: rest[1] as string });
        return found ? json(res, 200, found) : json(res, 404, { error: { message: 'no such entity' } });
      }
      if (req.method !== 'POST' || req.url !== '/graphql')
        return json(res, 404, { errors: [{ message: 'not found' }] });
      const { query, variables, operationName } = (body ?? {}) as {
        query?: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      if (typeof query !== 'string') return json(res, 400, { errors: [{ message: 'query is required' }] });
      const result = await graphql({
        schema,
        source: query,
        rootValue,
        variableValues: variables ?? null,
        operationName: operationName ?? null,
      });
      json(res, 200, result);
    },
    faultInjector(faults),
  ).then((s) => Object.assign(s, { facts }));
}
