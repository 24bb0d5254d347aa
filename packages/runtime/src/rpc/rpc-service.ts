import type { Cancellable } from '../time/clock';

/**
 * Connects gateways by address (Flink's RpcService): the service layer of docs/rpc.md, on an
 * in-process transport (LocalRpcService, one LocalRpcNetwork per simulated network) or on TCP
 * (TcpRpcService). Callers see the same behaviour on both: arguments and results are copies, errors
 * arrive with their codes, calls time out after rpc.ask-timeout, fenced endpoints check tokens.
 */
export interface RpcService {
  /** Serves `endpoint` under `name` (no '/'); returns its address. */
  register<T extends object>(name: string, endpoint: T, options?: RpcRegisterOptions): string;
  unregister(address: string): void;
  connect<T extends object>(address: string, options?: RpcConnectOptions): T;
  /**
   * Calls `onLost` once, at once, when the connection to the process serving `address` is lost or
   * cannot be made (the peer died or closed its service). Connects if there is no connection yet.
   */
  watch(address: string, onLost: (cause: Error) => void): Cancellable;
  close(): Promise<void>;
}
export const RpcService = Symbol.for('flott.RpcService');

export interface RpcRegisterOptions {
  /**
   * Makes the endpoint fenced (a JobManager-side role): read at every call, the endpoint's current
   * fencing token (its leader session id), undefined while it is not the leader. A call whose token
   * differs fails with FencingTokenMismatchError; every call fails with UnknownFencingTokenError
   * while there is none. Unfenced endpoints (TaskExecutors) accept any call.
   */
  readonly fencingToken?: () => string | undefined;
}

export interface RpcConnectOptions {
  /** The fencing token (leader session id) sent with every call; needed by fenced endpoints. */
  readonly fencingToken?: string;
  /** Methods sent as one-way messages: the call resolves with undefined once sent, without a reply. */
  readonly oneWay?: readonly string[];
}

export {
  RpcTimeoutError,
  RpcEndpointNotFoundError,
  RpcNoSuchMethodError,
  RpcConnectionError,
  RpcAuthenticationError,
  RpcFrameTooLargeError,
  RpcOutboundQueueFullError,
  FencingTokenMismatchError,
  UnknownFencingTokenError,
} from './rpc-errors';
export { LocalRpcService, LocalRpcNetwork } from './local-transport';
