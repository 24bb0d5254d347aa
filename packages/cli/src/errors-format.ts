import { ConfigurationError, FlottError } from '@flott/core';
import { ClusterUnreachableError, JobBundleError, JobFileNotFoundError, RestRequestError } from '@flott/client';

interface ErrorLike {
  name?: unknown;
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
 * (an unknown job id, a job in the wrong state): the server's message says it. An error of another
 * class than Error or Flott's own (a TypeError, a user's class, thrown in a task and carried back) is
 * named before its message, as Node and Flink name it (`Caused by: TypeError: …`): what failed is
 * often told by the class more than by the message.
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
    const name = classNameOf(err);
    const prefix = i === 0 ? (name ?? 'Error') : name === undefined ? 'Caused by' : `Caused by: ${name}`;
    lines.push(`${prefix}: ${message}`);
  });
  const root = chain[chain.length - 1];
  if (chain.some(isInputError)) return lines.join('\n');
  const frames = (root?.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  lines.push(...frames.slice(0, 15));
  return lines.join('\n');
}

/**
 * The error's class name where it says more than the message: not for Error itself, nor for Flott's
 * own classes (their messages say what failed), but for builtins (TypeError, RangeError) and the
 * job's or a library's classes. Those arrive from a task as a RemoteError under their own name with
 * the code serializeError gives every error that is not a FlottError (USER_ERROR).
 */
function classNameOf(err: ErrorLike): string | undefined {
  const name = err.name;
  if (typeof name !== 'string' || name === '' || name === 'Error') return undefined;
  if (FlottError.isFlottError(err) && err.code !== 'USER_ERROR') return undefined;
  return name;
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
