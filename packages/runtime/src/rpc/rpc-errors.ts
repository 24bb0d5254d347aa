import { FlottError, type SerializedError } from '@flott/core';

// The errors of the RPC layer. Those the serving side raises (an unknown endpoint or method, a fencing
// token that does not match) travel back as error frames and are rebuilt here as the same classes
// (rpcErrorFromWire), so a caller matches them with instanceof on either transport; errors an endpoint
// throws arrive as their own class when its package registered it (registerErrorClasses: every Flott
// package does, in its entry point), else as RemoteError, with their code, data, stack and cause.

export class RpcTimeoutError extends FlottError {
  constructor(address: string, method: string, timeoutMs: number) {
    super('RPC_TIMEOUT', `RPC ${method} to ${address} timed out after ${timeoutMs} ms (rpc.ask-timeout)`, { address, method, timeoutMs });
  }
}

export class RpcEndpointNotFoundError extends FlottError {
  constructor(address: string) {
    super('RPC_ENDPOINT_NOT_FOUND', `No RPC endpoint at ${address}`, { address });
  }
}

export class RpcNoSuchMethodError extends FlottError {
  constructor(address: string, method: string) {
    super('RPC_NO_SUCH_METHOD', `${address} has no method ${method}`, { address, method });
  }
}

/** The peer cannot be reached, or the connection to it was lost (pending calls fail with this at once). */
export class RpcConnectionError extends FlottError {
  constructor(address: string, reason: string, options?: { cause?: unknown }) {
    super('RPC_CONNECTION_ERROR', `RPC connection to ${address} failed: ${reason}`, { address, reason }, options);
  }
}

/** The peer refused this process (or this process the peer) in the handshake: secret or certificate. */
export class RpcAuthenticationError extends FlottError {
  constructor(address: string, reason: string, options?: { cause?: unknown }) {
    super('RPC_AUTHENTICATION_FAILED', `RPC connection to ${address} was not authenticated: ${reason}`, { address, reason }, options);
  }
}

/** A request or response larger than rpc.framesize: refused before it is sent; the connection stays up. */
export class RpcFrameTooLargeError extends FlottError {
  constructor(address: string, method: string, bytes: number, maxBytes: number) {
    super(
      'RPC_FRAME_TOO_LARGE',
      `RPC ${method} to ${address}: the message is ${bytes} bytes, more than rpc.framesize (${maxBytes} bytes)`,
      { address, method, bytes, maxBytes },
    );
  }
}

/** More bytes wait to be written to one peer than rpc.outbound-queue.max-bytes allows. */
export class RpcOutboundQueueFullError extends FlottError {
  constructor(address: string, queuedBytes: number, maxBytes: number) {
    super(
      'RPC_OUTBOUND_QUEUE_FULL',
      `RPC connection to ${address}: ${queuedBytes} bytes wait to be sent, the bound is ${maxBytes} (rpc.outbound-queue.max-bytes)`,
      { address, queuedBytes, maxBytes },
    );
  }
}

/** A call to a fenced endpoint carried another fencing token (leader session id) than the endpoint's. */
export class FencingTokenMismatchError extends FlottError {
  constructor(address: string, expected: string, received: string | undefined) {
    super(
      'FENCING_TOKEN_MISMATCH',
      `Fencing token mismatch at ${address}: expected ${expected}, received ${received ?? '(none)'}`,
      { address, expected, received: received ?? null },
    );
  }
}

/** A fenced endpoint without a fencing token yet (not, or no longer, the leader) refuses every call. */
export class UnknownFencingTokenError extends FlottError {
  constructor(address: string) {
    super('UNKNOWN_FENCING_TOKEN', `${address} has no fencing token (it is not the leader); the call is refused`, { address });
  }
}

/** The RPC layer's own errors by code, rebuilt on the calling side from the data they carry. */
const rebuild: Record<string, (d: Record<string, unknown>) => FlottError> = {
  RPC_ENDPOINT_NOT_FOUND: (d) => new RpcEndpointNotFoundError(String(d.address)),
  RPC_NO_SUCH_METHOD: (d) => new RpcNoSuchMethodError(String(d.address), String(d.method)),
  FENCING_TOKEN_MISMATCH: (d) => new FencingTokenMismatchError(String(d.address), String(d.expected), d.received === null ? undefined : String(d.received)),
  UNKNOWN_FENCING_TOKEN: (d) => new UnknownFencingTokenError(String(d.address)),
  RPC_FRAME_TOO_LARGE: (d) => new RpcFrameTooLargeError(String(d.address), String(d.method), Number(d.bytes), Number(d.maxBytes)),
};

/** The RPC layer's error of `s`'s code, or undefined for any other error (the caller makes a RemoteError). */
export function rpcErrorFromWire(s: SerializedError): FlottError | undefined {
  return s.data ? rebuild[s.code]?.(s.data) : undefined;
}
