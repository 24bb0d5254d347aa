import { handshakeMac, macMatches, MAC_BYTES, newNonce, NONCE_BYTES } from '../rpc/tcp-handshake';

/**
 * The data plane's shared-secret handshake (docs/network.md, "Authentication"), run on a TaskManager
 * data connection before any frame when security.internal.secret is set: the server sends
 * `FLD1` and its nonce, the client its nonce and its proof, the server its own proof; each proof is an
 * HMAC of the secret over both nonces (as the RPC handshake, with the data protocol in it). Bytes are
 * fed in as they arrive; `push` returns what follows the handshake once it is done.
 */
export const DATA_HANDSHAKE_MAGIC = Buffer.from('FLD1', 'latin1');

export type HandshakeStep =
  | { readonly state: 'pending' }
  | { readonly state: 'done'; readonly rest: Buffer }
  | { readonly state: 'refused'; readonly reason: string };

export class DataHandshake {
  private received: Buffer = Buffer.alloc(0);
  private serverNonce: Uint8Array | undefined;
  private clientNonce: Uint8Array | undefined;
  private phase: 'hello' | 'auth' | 'welcome' | 'done' = 'hello';

  /** `send` writes handshake bytes to the peer. The server says hello at once. */
  constructor(
    private readonly secret: string,
    readonly role: 'client' | 'server',
    private readonly send: (bytes: Buffer) => void,
  ) {
    if (role === 'server') {
      this.serverNonce = newNonce();
      this.phase = 'auth';
      send(Buffer.concat([DATA_HANDSHAKE_MAGIC, this.serverNonce]));
    }
  }

  push(chunk: Buffer): HandshakeStep {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    for (;;) {
      if (this.phase === 'hello') {
        if (this.received.length < DATA_HANDSHAKE_MAGIC.length + NONCE_BYTES) return { state: 'pending' };
        if (!this.received.subarray(0, DATA_HANDSHAKE_MAGIC.length).equals(DATA_HANDSHAKE_MAGIC)) {
          return { state: 'refused', reason: 'the peer did not start the data handshake (is security.internal.secret set on both TaskManagers?)' };
        }
        this.serverNonce = new Uint8Array(this.take(DATA_HANDSHAKE_MAGIC.length + NONCE_BYTES).subarray(DATA_HANDSHAKE_MAGIC.length));
        this.clientNonce = newNonce();
        this.send(Buffer.concat([this.clientNonce, handshakeMac(this.secret, 'client', this.serverNonce, this.clientNonce, 'data')]));
        this.phase = 'welcome';
      } else if (this.phase === 'auth') {
        if (this.received.length < NONCE_BYTES + MAC_BYTES) return { state: 'pending' };
        const auth = this.take(NONCE_BYTES + MAC_BYTES);
        this.clientNonce = new Uint8Array(auth.subarray(0, NONCE_BYTES));
        const serverNonce = this.serverNonce as Uint8Array;
        if (!macMatches(handshakeMac(this.secret, 'client', serverNonce, this.clientNonce, 'data'), new Uint8Array(auth.subarray(NONCE_BYTES)))) {
          return { state: 'refused', reason: 'wrong shared secret (security.internal.secret), or the peer did not authenticate' };
        }
        this.send(Buffer.from(handshakeMac(this.secret, 'server', serverNonce, this.clientNonce, 'data')));
        this.phase = 'done';
      } else if (this.phase === 'welcome') {
        if (this.received.length < MAC_BYTES) return { state: 'pending' };
        const proof = new Uint8Array(this.take(MAC_BYTES));
        if (!macMatches(handshakeMac(this.secret, 'server', this.serverNonce as Uint8Array, this.clientNonce as Uint8Array, 'data'), proof)) {
          return { state: 'refused', reason: 'the peer does not know the shared secret (security.internal.secret)' };
        }
        this.phase = 'done';
      } else {
        const rest = this.received;
        this.received = Buffer.alloc(0);
        return { state: 'done', rest };
      }
    }
  }

  private take(n: number): Buffer {
    const head = this.received.subarray(0, n);
    this.received = this.received.subarray(n);
    return head;
  }
}
