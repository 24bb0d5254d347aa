import { isIP } from 'node:net';
import * as tls from 'node:tls';

/**
 * Mutual TLS material of internal connections (security.ssl.internal.*), in PEM: this process's key
 * and certificate (chain), the certificates it trusts, and the certificate fingerprints it pins.
 * RPC, the data plane and the blob server and client all take their TLS options from it here.
 */
export interface TcpTlsMaterial {
  /** Absent (with `cert`) only in tests of a client without certificate, which every server refuses. */
  readonly key?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly trustCertificate: string | Buffer;
  /** security.ssl.verify-hostname: the server's certificate must name the host connected to. */
  readonly verifyHostname: boolean;
  /**
   * security.ssl.internal.cert.fingerprint: the peer's own certificate must also have one of these
   * SHA-1 or SHA-256 fingerprints (upper-case hex pairs joined by colons, as node prints them).
   */
  readonly pinnedFingerprints?: readonly string[];
}

/** Options of a TLS server that asks for a client certificate and leaves its check to `certificateRefusal`, so a refusal is logged with its reason. */
export function tlsServerOptions(material: TcpTlsMaterial): tls.TlsOptions {
  return { key: material.key, cert: material.cert, ca: material.trustCertificate, requestCert: true, rejectUnauthorized: false };
}

/** Options of a TLS client connecting to `host`: this process's certificate, and the checks of the server's. */
export function tlsClientOptions(material: TcpTlsMaterial, host?: string): tls.ConnectionOptions {
  return {
    key: material.key,
    cert: material.cert,
    ca: material.trustCertificate,
    ...(host !== undefined && !isIP(host) ? { servername: host } : {}),
    checkServerIdentity: (hostname, certificate) => {
      const wrongName = material.verifyHostname ? tls.checkServerIdentity(hostname, certificate) : undefined;
      if (wrongName) return wrongName;
      const unpinned = unpinnedCertificate(material, certificate);
      return unpinned ? Object.assign(new Error(`the server's ${unpinned}`), { code: 'CERT_NOT_PINNED' }) : undefined;
    },
  };
}

/** Why a TLS client's certificate is not accepted (undefined: it is). */
export function certificateRefusal(socket: tls.TLSSocket, material: TcpTlsMaterial): string | undefined {
  const peerCertificate = socket.getPeerCertificate();
  if (!socket.authorized) {
    if (!peerCertificate || Object.keys(peerCertificate).length === 0) return 'no client certificate (security.ssl.internal.keystore or security.ssl.internal.cert)';
    return `untrusted client certificate (${String(socket.authorizationError)}; subject ${peerCertificate.subject?.CN ?? '?'})`;
  }
  const unpinned = unpinnedCertificate(material, peerCertificate);
  return unpinned ? `client ${unpinned}` : undefined;
}

/** Why the server's TLS layer failed a handshake, in words an operator can act on. */
export function describeTlsRefusal(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  if (/PEER_DID_NOT_RETURN_A_CERTIFICATE|CERTIFICATE_REQUIRED/.test(code) || /did not return a certificate/i.test(e.message)) {
    return `no client certificate (${code || e.message})`;
  }
  if (/UNKNOWN_CA|CERTIFICATE_VERIFY_FAILED|UNABLE_TO|SELF_SIGNED|BAD_CERTIFICATE|CERT/.test(code) || /certificate/i.test(e.message)) {
    return `untrusted client certificate (${code || e.message})`;
  }
  return `TLS handshake failed (${code || e.message})`;
}

/** "certificate ... is not pinned" when pins are configured and `certificate` has none of them; undefined when it passes. */
function unpinnedCertificate(material: TcpTlsMaterial, certificate: tls.PeerCertificate): string | undefined {
  const pins = material.pinnedFingerprints;
  if (!pins || pins.length === 0 || pins.includes(certificate.fingerprint) || pins.includes(certificate.fingerprint256)) return undefined;
  return `certificate is not pinned by security.ssl.internal.cert.fingerprint (SHA-1 ${certificate.fingerprint}, SHA-256 ${certificate.fingerprint256}; subject ${certificate.subject?.CN ?? '?'})`;
}
