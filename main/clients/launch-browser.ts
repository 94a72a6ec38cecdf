// Launching a browser with a fresh profile (browsers.ts says what it is told), and removing
// the profile when the browser closes: nothing of the session stays on the disk, and the
// user's own profile is never touched.

import { execFileSync, spawn, type StdioOptions } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateAuthority } from '../tls/ca';
import { chromiumArgs, firefoxArgs, firefoxPrefs, type Browser, type LaunchPlan } from './browsers';

export interface LaunchOptions {
  proxy: { host: string; port: number };
  ca: CertificateAuthority;
  url: string | null;
  headless?: boolean;
  extraArgs?: string[];
  /** Where the browser's output goes (default: nowhere). */
  stdio?: StdioOptions;
}

export interface LaunchedBrowser {
  browser: Browser;
  pid: number;
  profile: string;
  /** What the launch did that the user should know, in words. */
  notes: string[];
  /** Resolves with the exit status once the browser has closed and its profile is removed. */
  exited: Promise<number | null>;
  close(): void;
}

export function launchBrowser(browser: Browser, options: LaunchOptions): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'chunkscope-browser-'));
  const notes: string[] = [];
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const plan: LaunchPlan = { proxy: options.proxy, spki: options.ca.spki(), profile, url: options.url, headless: options.headless === true, noSandbox: root && browser.kind === 'chromium', extraArgs: options.extraArgs ?? [] };
  if (plan.noSandbox) notes.push("running as root, so Chromium's sandbox is off (--no-sandbox): it refuses to start otherwise");
  let args: string[];
  if (browser.kind === 'firefox') {
    writeFileSync(join(profile, 'user.js'), firefoxPrefs(options.proxy));
    notes.push(trustInFirefoxProfile(profile, options.ca));
    args = firefoxArgs(plan);
  } else {
    args = chromiumArgs(plan);
  }
  return new Promise((resolve, reject) => {
    // A process group of its own: a browser's helpers (renderers, the GPU process, crashpad)
    // outlive its main process for a while and keep writing into the profile; they go with it.
    const child = spawn(browser.path, args, { stdio: options.stdio ?? 'ignore', detached: true });
    const group = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    /** Never throws and never blocks: a profile that cannot be removed is left, said in the notes. */
    const removeProfile = async () => {
      try {
        await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (error) {
        notes.push(`its profile ${profile} could not be removed: ${(error as Error).message}`);
      }
    };
    const exited = new Promise<number | null>((done) => {
      child.on('exit', (code, signal) => {
        group('SIGKILL');
        void removeProfile().then(() => done(code ?? (signal ? 128 : null)));
      });
    });
    child.once('error', (error) => {
      void removeProfile();
      reject(new Error(`${browser.name} (${browser.path}) could not be started: ${error.message}`));
    });
    // A browser that does not end at SIGTERM within 5 s is killed: closing Chunkscope never waits for ever.
    const close = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      group('SIGTERM');
      setTimeout(() => child.exitCode === null && child.signalCode === null && group('SIGKILL'), 5000).unref();
    };
    child.once('spawn', () => resolve({ browser, pid: child.pid!, profile, notes, exited, close }));
  });
}

/**
 * Firefox keeps its own certificate store in the profile: with NSS's certutil (Debian:
 * libnss3-tools) the CA goes into this profile's store alone. Without it, Firefox trusts
 * what the system trusts (security.enterprise_roots.enabled), so the CA must be installed
 * there (`chunkscope ca --install`).
 */
function trustInFirefoxProfile(profile: string, ca: CertificateAuthority): string {
  try {
    execFileSync('certutil', ['-N', '-d', `sql:${profile}`, '--empty-password'], { stdio: 'ignore' });
    execFileSync('certutil', ['-A', '-d', `sql:${profile}`, '-n', 'Chunkscope CA', '-t', 'C,,', '-i', ca.certPath], { stdio: 'ignore' });
    return "the Chunkscope CA is trusted in this Firefox profile's own store (NSS certutil)";
  } catch {
    return 'Firefox trusts the Chunkscope CA only if the system does (enterprise roots): run `chunkscope ca --install`, or install NSS certutil (Debian: libnss3-tools) to trust it in the profile alone';
  }
}
