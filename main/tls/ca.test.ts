// The CA: made once, private to the user, reused; leaves per name, cached (the last 500), verifiable.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/test-support/run-cli';
import { CertificateAuthority, MAX_LEAVES } from './ca';
import { globToRegExp } from '../../shared/glob';

const fresh = () => mkdtempSync(join(tmpdir(), 'chunkscope-ca-'));
const DAY = 86_400_000;

describe('the Chunkscope CA', () => {
  it('is created once, the key 0600 in a 0700 directory, and reused on the next load', async () => {
    const dir = join(fresh(), 'data');
    const first = await CertificateAuthority.load(dir);
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const key = readFileSync(join(dir, 'ca-key.pem'), 'utf8');
    const second = await CertificateAuthority.load(dir);
    expect(second.certPem).toBe(first.certPem);
    expect(readFileSync(join(dir, 'ca-key.pem'), 'utf8')).toBe(key);
    const cert = new X509Certificate(first.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toMatch(/CN=Chunkscope CA/);
    expect(cert.checkIssued(cert)).toBe(true);
  });

  it('makes the key private again if its permissions were loosened', async () => {
    const dir = fresh();
    await CertificateAuthority.load(dir);
    chmodSync(join(dir, 'ca-key.pem'), 0o644);
    await CertificateAuthority.load(dir);
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('signs a leaf per name: a DNS name or an IP address in the SAN, for server auth, under 398 days', async () => {
    const ca = await CertificateAuthority.load(fresh());
    const issuer = new X509Certificate(ca.certPem);
    const named = new X509Certificate((await ca.leaf('Feeds.Example.test')).cert);
    expect(named.subjectAltName).toBe('DNS:feeds.example.test');
    expect(named.checkHost('feeds.example.test')).toBe('feeds.example.test');
    expect(named.checkIssued(issuer)).toBe(true);
    expect(named.verify(issuer.publicKey)).toBe(true);
    expect(named.ca).toBe(false);
    expect(named.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    expect(Date.parse(named.validTo) - Date.now()).toBeLessThan(398 * DAY);

    const ip = new X509Certificate((await ca.leaf('127.0.0.1')).cert);
    expect(ip.subjectAltName).toBe('IP Address:127.0.0.1');
    expect(ip.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const v6 = new X509Certificate((await ca.leaf('[::1]')).cert);
    expect(v6.checkIP('::1')).toBe('::1');
  });

  it('caches leaves per host name (case-insensitive) and makes one leaf at a time per name', async () => {
    const ca = await CertificateAuthority.load(fresh());
    const [a, b] = await Promise.all([ca.leaf('cache.example.test'), ca.leaf('CACHE.example.test')]);
    expect(b).toBe(a);
    expect(await ca.leaf('cache.example.test')).toBe(a);
    expect(await ca.leaf('other.example.test')).not.toBe(a);
  });

  it('keeps the leaves of the 500 names used last: a client asking for thousands of names does not grow memory without end', async () => {
    const ca = await CertificateAuthority.load(fresh());
    const first = await ca.leaf('first.example.test');
    const kept = await ca.leaf('kept.example.test');
    for (let i = 0; i < MAX_LEAVES - 1; i++) {
      await ca.leaf(`scan-${i}.example.test`);
      if (i % 100 === 0) expect(await ca.leaf('kept.example.test')).toBe(kept); // used again: stays
    }
    expect(ca.cachedLeaves).toBe(MAX_LEAVES);
    expect(await ca.leaf('kept.example.test')).toBe(kept);
    // The name used least recently was dropped: asked again, it is signed again, as valid as before.
    const again = await ca.leaf('first.example.test');
    expect(again).not.toBe(first);
    expect(new X509Certificate(again.cert).serialNumber).not.toBe(new X509Certificate(first.cert).serialNumber);
    expect(new X509Certificate(again.cert).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(ca.cachedLeaves).toBe(MAX_LEAVES);
  });

  it('the SPKI hash is the one OpenSSL computes for Chromium', async () => {
    const dir = fresh();
    const ca = await CertificateAuthority.load(dir);
    const pem = join(dir, 'ca-cert.pem');
    const der = execFileSync('openssl', ['x509', '-in', pem, '-pubkey', '-noout']);
    const spkiDer = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: der });
    const expected = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: spkiDer }).toString('base64');
    expect(ca.spki()).toBe(expected);
  });
});

describe('chunkscope ca', () => {
  it('exports the CA (PEM), prints its SPKI hash and where it is kept, in the data directory given', async () => {
    const dataDir = join(fresh(), 'data');
    const exported = join(fresh(), 'chunkscope-ca.pem');
    const result = await runCli(['ca', '--export', exported, '--spki', '--path'], { dataDir });
    expect(result.status).toBe(0);
    const ca = await CertificateAuthority.load(dataDir);
    expect(readFileSync(exported, 'utf8')).toBe(ca.certPem);
    expect(result.stdout.split('\n')).toEqual([`wrote the Chunkscope CA certificate to ${exported}`, ca.spki(), dataDir, '']);
    // A second run reuses it.
    const again = await runCli(['ca'], { dataDir });
    expect(again.stdout.trim()).toBe(ca.certPem.trim());
  });

  it('says why it cannot export', async () => {
    const dataDir = fresh();
    const blocked = join(fresh(), 'file');
    writeFileSync(blocked, '');
    const result = await runCli(['ca', '--export', join(blocked, 'ca.pem')], { dataDir });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/^chunkscope ca: cannot write .*ca\.pem: /);
  });
});

describe('--no-intercept globs', () => {
  it('match whole host names, case-insensitively, * and ? as wildcards', () => {
    const star = globToRegExp('*.example.com');
    expect(star.test('feeds.example.com')).toBe(true);
    expect(star.test('a.b.example.com')).toBe(true);
    expect(star.test('example.com')).toBe(false);
    expect(star.test('example.com.evil.test')).toBe(false);
    expect(globToRegExp('API.example.com').test('api.example.com')).toBe(true);
    expect(globToRegExp('10.0.0.?').test('10.0.0.7')).toBe(true);
    expect(globToRegExp('10.0.0.?').test('10.0.0.77')).toBe(false);
    expect(globToRegExp('*').test('anything')).toBe(true);
  });
});
