// Which plan applies here: Windows, macOS, or on Linux the desktop the session runs (its
// settings are per desktop: GNOME's gsettings, KDE's kioslaverc).

import { gnome } from './gnome';
import { kde } from './kde';
import { macos } from './macos';
import type { SystemProxyPlatform } from './plan';
import { windows } from './windows';

/** Desktops that read GNOME's proxy settings. */
const GNOME_LIKE = ['gnome', 'unity', 'cinnamon', 'x-cinnamon', 'budgie', 'budgie-desktop', 'pantheon', 'ubuntu', 'pop', 'mate'];

export function systemProxyPlatform(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): SystemProxyPlatform | { unsupported: string } {
  if (platform === 'win32') return windows;
  if (platform === 'darwin') return macos;
  const desktops = (env.XDG_CURRENT_DESKTOP ?? env.XDG_SESSION_DESKTOP ?? '').toLowerCase().split(':').filter(Boolean);
  if (desktops.includes('kde')) return kde(env.KDE_SESSION_VERSION === '5' ? 5 : 6);
  if (desktops.some((d) => GNOME_LIKE.includes(d))) return gnome;
  const where = desktops.length ? `this desktop (${desktops.join(':')})` : 'no desktop session (XDG_CURRENT_DESKTOP is not set)';
  return {
    unsupported: `the system proxy is a desktop setting, and Chunkscope knows GNOME's and KDE's; here there is ${where}. Use chunkscope run or chunkscope env for the programs to capture instead`,
  };
}
