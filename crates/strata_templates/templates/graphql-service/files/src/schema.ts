/** The GraphQL schema of {{ name }} and its resolvers (keep schema.graphql in step). */
import { buildSchema, graphql, type ExecutionResult } from 'graphql';

export const typeDefs = /* GraphQL */ `
  type Query {
    "The service's name and version."
    info: Info!
    "A greeting for someone."
    greet(name: String!): String!
  }

  type Info {
    name: String!
    version: String!
  }
`;

export const schema = buildSchema(typeDefs);

export function rootValue(service: string, version: string) {
  return {
    info: () => ({ name: service, version }),
    greet: ({ name }: { name: string }) => {
      const trimmed = name.trim();
      if (trimmed === '') {
        throw new Error('the name is empty');
      }
      return `Hello, ${trimmed}!`;
    },
  };
}

/** Run one GraphQL operation. */
export function execute(
  source: string,
  variableValues?: Record<string, unknown>,
  operationName?: string,
): Promise<ExecutionResult> {
  return graphql({
    schema,
    source,
    rootValue: rootValue('{{ name }}', '{{ version }}'),
    variableValues,
    operationName,
  });
}
