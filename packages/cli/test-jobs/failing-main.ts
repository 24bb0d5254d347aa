/**
 * A job whose main fails before it submits anything (a bad argument, a missing input): application
 * mode must print the error and shut its cluster down.
 */
export default async function main(args: readonly string[]): Promise<void> {
  throw new Error(`main refuses to build a job: no input given (${args.length} argument(s))`);
}
