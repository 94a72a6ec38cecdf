// TLS failures in plain words, per side.

const VERSION = /(UNSUPPORTED_PROTOCOL|VERSION_TOO_LOW|VERSION_TOO_HIGH|NO_PROTOCOLS_AVAILABLE|PROTOCOL_VERSION)/;
const CIPHER = /(NO_SHARED_CIPHER|NO_CIPHERS_AVAILABLE|NO_SHARED_GROUP|NO_SUITABLE_SIGNATURE_ALGORITHM)/;
const ACCEPTED = 'Chunkscope speaks TLS 1.2 and 1.3';

/**
 * OpenSSL's own words from its error line, without the routine and source position:
 * "…:SSL routines:tls_post_process_client_hello:no shared cipher:../deps/…" -> "no shared cipher".
 */
export function opensslWords(message: string): string {
  const parts = message.split(':');
  const at = parts.findIndex((p) => p === 'SSL routines');
  const words = at >= 0 ? parts[at + 2] : undefined;
  return (words ?? message).trim();
}

function normalised(error: NodeJS.ErrnoException): string {
  return `${error.code ?? ''} ${error.message}`.toUpperCase().replace(/ /g, '_');
}

const CLIENT_REFUSED = /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_EXPIRED|ACCESS_DENIED)/;
const NO_SHARED = /(NO_SHARED_CIPHER|UNSUPPORTED_PROTOCOL|VERSION_TOO_LOW|VERSION_TOO_HIGH|NO_PROTOCOLS_AVAILABLE|PROTOCOL_VERSION|HANDSHAKE_FAILURE|NO_APPLICATION_PROTOCOL)/;

export interface ClientFailure {
  reason: string;
  /** The client refused our certificate: it does not trust the Chunkscope CA. */
  refusedCertificate: boolean;
}

/** Why the client's side of the handshake failed, and what to do about it. */
export function clientHandshakeFailure(error: NodeJS.ErrnoException, host: string, spki: string): ClientFailure {
  const code = error.code ?? '';
  const text = `${code} ${error.message}`;
  const trust =
    'Trust the Chunkscope CA: export it with `chunkscope ca --export chunkscope-ca.pem`, then for curl add --cacert chunkscope-ca.pem, ' +
    `for Node set NODE_EXTRA_CA_CERTS=chunkscope-ca.pem, for Chromium add --ignore-certificate-errors-spki-list=${spki} (README: Trusting the CA)`;
  if (CLIENT_REFUSED.test(text.toUpperCase().replace(/ /g, '_'))) {
    const alert = /alert ([a-z ]+)/i.exec(error.message)?.[1]?.trim() ?? code;
    return { refusedCertificate: true, reason: `the client refused Chunkscope's certificate for ${host} (TLS alert: ${alert}): this client does not trust the Chunkscope CA. ${trust}` };
  }
  if (code === 'EHANDSHAKECLOSED' || code === 'ECONNRESET') {
    return {
      refusedCertificate: true,
      reason: `the client closed the connection during the TLS handshake for ${host}, without saying why: most often it does not trust Chunkscope's certificate. ${trust}`,
    };
  }
  const said = opensslWords(error.message);
  if (VERSION.test(normalised(error))) {
    return { refusedCertificate: false, reason: `no TLS protocol version in common with the client for ${host}: it offered only versions Chunkscope does not accept (${said}); ${ACCEPTED}` };
  }
  if (CIPHER.test(normalised(error))) {
    return { refusedCertificate: false, reason: `no cipher in common with the client for ${host}: none of the ciphers it offered is one Chunkscope accepts (${said})` };
  }
  if (NO_SHARED.test(normalised(error))) {
    return { refusedCertificate: false, reason: `no TLS protocol version or cipher in common with the client for ${host} (${said})` };
  }
  if (/WRONG_VERSION_NUMBER|HTTP_REQUEST|UNKNOWN_PROTOCOL/.test(text.toUpperCase().replace(/ /g, '_'))) {
    return { refusedCertificate: false, reason: `the client did not start a TLS handshake for ${host} after CONNECT (${said})` };
  }
  return { refusedCertificate: false, reason: `the TLS handshake with the client failed for ${host}: ${said}` };
}

const ORIGIN_CERT: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "the origin's certificate is self-signed (for a test origin, run with --insecure-upstream)",
  SELF_SIGNED_CERT_IN_CHAIN: "the origin's certificate chain ends in a self-signed root that is not trusted (for a test origin, --insecure-upstream)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the origin's certificate was issued by an authority this machine does not trust, or the origin did not send its intermediate certificates",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the origin's certificate was issued by an authority this machine does not trust",
  UNABLE_TO_GET_ISSUER_CERT: "the origin did not send the certificate of its issuer",
  CERT_HAS_EXPIRED: "the origin's certificate has expired",
  CERT_NOT_YET_VALID: "the origin's certificate is not valid yet (check the clocks)",
  ERR_TLS_CERT_ALTNAME_INVALID: "the origin's certificate is for another name",
  CERT_REVOKED: "the origin's certificate was revoked",
};

/** An origin's TLS failure, with its reason in words (used by the 502 Chunkscope sends). */
export function upstreamTlsError(error: NodeJS.ErrnoException): NodeJS.ErrnoException {
  const code = error.code ?? '';
  let reason = ORIGIN_CERT[code];
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') reason = `${reason}: ${error.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}`;
  const said = opensslWords(error.message);
  if (!reason && VERSION.test(normalised(error))) reason = `no TLS protocol version in common with the origin: it does not speak one Chunkscope accepts (${said}); ${ACCEPTED}`;
  if (!reason && CIPHER.test(normalised(error))) reason = `no cipher in common with the origin (${said})`;
  if (!reason && NO_SHARED.test(normalised(error))) reason = `no TLS protocol version or cipher in common with the origin (${said})`;
  reason ??= `the TLS handshake with the origin failed: ${said}`;
  return Object.assign(new Error(reason), { code: code || 'ETLS' });
}
