import { ConfigurationError } from '@flott/core';
import { ClusterUnreachableError, JobBundleError, JobFileNotFoundError, RestRequestError } from '@flott/client';

interface ErrorLike {
  message?: string;
  stack?: string;
  cause?: unknown;
}

/**
 * Formats an error with its cause chain for the terminal: each cause on its own line (without
 * repeating what the next cause says), and the stack trace of the root cause only, which is
 * where the user's code failed. An invalid configuration, a job file that does not exist or does
 * not compile are the user's input, not code: their message says what and where (option, file:line:column),
 * and no stack trace of the CLI follows. So are a cluster that does not answer and what its REST API refused
 * (an unknown job id, a job in the wrong state): the server's message says it.
 */
export function formatError(e: unknown): string {
  const chain: ErrorLike[] = [];
  for (let c: unknown = e; c !== undefined && c !== null && chain.length < 10; c = (c as ErrorLike).cause) {
    chain.push(typeof c === 'object' ? (c as ErrorLike) : { message: String(c) });
  }
  const lines: string[] = [];
  chain.forEach((err, i) => {
    let message = err.message ?? String(err);
    const next = chain[i + 1]?.message;
    if (next && message.endsWith(`: ${next}`) && message.length > next.length + 2) message = message.slice(0, -(next.length + 2));
    if (next && message === next) return;
    lines.push(`${i === 0 ? 'Error' : 'Caused by'}: ${message}`);
  });
  const root = chain[chain.length - 1];
  if (chain.some(isInputError)) return lines.join('\n');
  const frames = (root?.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  lines.push(...frames.slice(0, 15));
  return lines.join('\n');
}

function isInputError(e: unknown): boolean {
  return (
    e instanceof ConfigurationError ||
    e instanceof JobBundleError ||
    e instanceof JobFileNotFoundError ||
    e instanceof ClusterUnreachableError ||
    (e instanceof RestRequestError && e.httpStatus >= 400 && e.httpStatus < 500)
  );
}
