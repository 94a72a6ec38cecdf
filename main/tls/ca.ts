// Chunkscope's certificate authority: generated once, kept in the user's data directory
// (the private key readable by the user alone), reused across runs. It signs a leaf
// certificate per host name, all with one leaf key, and keeps the MAX_LEAVES used last
// (an LRU: each costs about 50 KB of TLS context; one more is made in a few ms). Keys
// come from Node's crypto (WebCrypto); certificates are built with @peculiar/x509 (no
// native modules).

import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { LRUCache } from 'lru-cache';
import { ensurePrivateDir } from './data-dir';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
/** Browsers refuse leaf certificates valid for more than 398 days. */
const LEAF_DAYS = 397;
const CA_DAYS = 3650;
/**
 * Leaf certificates kept, the least recently used dropped first: a client that asks for
 * 4,000 names (a crawler, a scan) cost 234 MB when none was ever dropped; 500 take about
 * 25 MB. A connection keeps the context it was given; a dropped name is signed again.
 */
export const MAX_LEAVES = 500;

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f; // positive
  return bytes.toString('hex');
}

async function exportPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export interface Leaf {
  cert: string;
  key: string;
  context: tls.SecureContext;
}

export class CertificateAuthority {
  private readonly leaves = new LRUCache<string, Promise<Leaf>>({ max: MAX_LEAVES });
  private leafKeys: Promise<CryptoKeyPair> | null = null;

  private constructor(
    readonly dir: string,
    readonly certPem: string,
    private readonly certificate: x509.X509Certificate,
    private readonly privateKey: CryptoKey,
  ) {}

  get certPath(): string {
    return join(this.dir, 'ca-cert.pem');
  }

  /** Load the CA from `dir`, or create it there the first time. */
  static async load(dir: string): Promise<CertificateAuthority> {
    ensurePrivateDir(dir);
    const keyPath = join(dir, 'ca-key.pem');
    const certPath = join(dir, 'ca-cert.pem');
    if (!existsSync(keyPath) || !existsSync(certPath)) {
      const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
      const who = `${userInfo().username}@${hostname()}`;
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: `CN=Chunkscope CA (${who.replace(/[,=+<>#;"\\]/g, '_')}), O=Chunkscope`,
        notBefore: new Date(Date.now() - DAY),
        notAfter: new Date(Date.now() + CA_DAYS * DAY),
        signingAlgorithm: ALGORITHM,
        keys,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      writeFileSync(keyPath, await exportPem(keys.privateKey), { mode: 0o600 });
      writeFileSync(certPath, cert.toString('pem'), { mode: 0o644 });
    }
    // The key is the user's alone: repair permissions if someone loosened them.
    if (process.platform !== 'win32' && (statSync(keyPath).mode & 0o077) !== 0) chmodSync(keyPath, 0o600);
    const certPem = readFileSync(certPath, 'utf8');
    const keyDer = x509.PemConverter.decodeFirst(readFileSync(keyPath, 'utf8'));
    const privateKey = (await webcrypto.subtle.importKey('pkcs8', keyDer, ALGORITHM, false, ['sign'])) as CryptoKey;
    return new CertificateAuthority(dir, certPem, new x509.X509Certificate(certPem), privateKey);
  }

  /** base64 SHA-256 of the CA's public key (SPKI): for Chromium's --ignore-certificate-errors-spki-list. */
  spki(): string {
    const spki = new X509Certificate(this.certPem).publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(spki).digest('base64');
  }

  /** Leaf certificates kept now (at most MAX_LEAVES). */
  get cachedLeaves(): number {
    return this.leaves.size;
  }

  /** A leaf certificate for `host` (DNS name or IP address), made once and kept while it is among the MAX_LEAVES used last. */
  leaf(host: string): Promise<Leaf> {
    const name = host.toLowerCase().replace(/^\[|\]$/g, '');
    let leaf = this.leaves.get(name);
    if (!leaf) {
      leaf = this.makeLeaf(name);
      this.leaves.set(name, leaf);
      const made = leaf;
      // A failure is not kept (the next connection tries again), unless the name was made anew meanwhile.
      made.catch(() => this.leaves.peek(name) === made && this.leaves.delete(name));
    }
    return leaf;
  }

  private async makeLeaf(host: string): Promise<Leaf> {
    this.leafKeys ??= webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
    const keys = await this.leafKeys;
    const ip = isIP(host) !== 0;
    const notAfter = Math.min(Date.now() + LEAF_DAYS * DAY, this.certificate.notAfter.getTime());
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${ip ? host : host.slice(0, 64)}`,
      issuer: this.certificate.subject,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(notAfter),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: this.privateKey,
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: ip ? 'ip' : 'dns', value: host }]),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.BasicConstraintsExtension(false),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    const certPem = cert.toString('pem');
    const keyPem = await exportPem(keys.privateKey);
    // The chain carries the CA too, so a client may match the CA's key (Chromium's SPKI list).
    return { cert: certPem, key: keyPem, context: tls.createSecureContext({ key: keyPem, cert: `${certPem}\n${this.certPem}` }) };
  }
}
