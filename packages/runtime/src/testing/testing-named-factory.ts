/**
 * A factory that the code under test only looks up by name (the start-up implementation check) and
 * must never use: `create` fails the test loudly.
 */
export function namedOnlyFactory(name: string): { readonly name: string; create(): never } {
  return {
    name,
    create: (): never => {
      throw new Error(`Assertion failed: ${name} is not created in this test`);
    },
  };
}
