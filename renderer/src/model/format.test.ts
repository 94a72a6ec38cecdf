// What the UI says of TLS: who made the HTTPS a connection went over.
import { describe, expect, it } from 'vitest';
import type { TlsReport } from '../../../shared/capture';
import { httpsTitle, ownHttps, tlsSummary } from './format';

const side = { sni: '127.0.0.1', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', alpn: 'http/1.1' };
const decrypted: TlsReport = { via: 1, client: side, upstream: { ...side, authorized: true, authorizationError: null, peer: null }, failure: null };
const own: TlsReport = { via: null, client: side, upstream: null, failure: null };

describe('who made the HTTPS', () => {
  it('a client’s HTTPS decrypted by the proxy says so, both sides', () => {
    expect(tlsSummary(decrypted)).toBe('HTTPS decrypted by Chunkscope · client: TLSv1.3, ALPN http/1.1, TLS_AES_256_GCM_SHA384 (SNI 127.0.0.1) · origin: TLSv1.3, ALPN http/1.1, TLS_AES_256_GCM_SHA384, certificate verified · through the CONNECT of c1');
    expect(ownHttps(decrypted, { clientTag: { launched: 'chunkscope', tag: 'send' } })).toBe(false);
    expect(httpsTitle({ tls: true, clientTag: null, host: 'h' })).toBe('h (HTTPS, decrypted by Chunkscope)');
  });

  it('a connection Chunkscope made itself (the composer sending directly) is no decryption', () => {
    const row = { tls: true, clientTag: { launched: 'chunkscope' as const, tag: 'send' }, host: 'h' };
    expect(ownHttps(own, row)).toBe(true);
    expect(tlsSummary(own, null, ownHttps(own, row))).toBe("Chunkscope's own HTTPS connection to the origin · TLSv1.3, ALPN http/1.1, TLS_AES_256_GCM_SHA384 (SNI 127.0.0.1)");
    // The row alone cannot tell: its title claims no decryption.
    expect(httpsTitle(row)).toBe('h (HTTPS)');
    expect(ownHttps(own, { clientTag: null })).toBe(false);
  });
});
