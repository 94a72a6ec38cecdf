// Opening and saving captures: through the desktop's dialogs and paths, or by upload and
// download in a browser; some exchanges exported alone; the recent files, which the
// desktop keeps in its user data folder and a browser in its localStorage.
import type { ExportSelection, RecentFile } from '../../../shared/api';
import { plural } from '../../../shared/words';
import { useApi, useAppStore } from '../context';
import { markGone, readRecent, rememberUpload } from '../store/recent';
import { browserStorage } from '../store/settings';

/** Download `href` as a file (named `name`, or as the server says). */
function download(href: string, name = ''): void {
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  link.click();
}

export function useCaptureFiles() {
  const api = useApi();
  const store = useAppStore();
  const report = (error: unknown) => store.getState().notify(error instanceof Error ? error.message : String(error));

  const openFile = async (file: File) => {
    try {
      if (api.desktop) await api.openCapture({ path: api.desktop.pathForFile(file) });
      else if (api.browser) {
        const { upload } = await api.browser.uploadCapture(file.name, await file.arrayBuffer());
        if (upload) rememberUpload(browserStorage(), file.name, upload);
      }
      store.getState().notify(`opened ${file.name}`);
    } catch (error) {
      report(error);
    }
  };

  const openDialog = async () => {
    try {
      if (api.desktop) await api.desktop.chooseCaptureToOpen();
      else document.querySelector<HTMLInputElement>('[data-testid="open-file"]')?.click();
    } catch (error) {
      report(error);
    }
  };

  const save = async () => {
    try {
      if (api.desktop) {
        const saved = await api.desktop.chooseWhereToSave();
        if (saved) store.getState().notify(`saved ${saved.path}`);
      } else if (api.browser) {
        download(api.browser.downloadUrl());
      }
    } catch (error) {
      report(error);
    }
  };

  /** @param maxBodyBytes bodies longer than this are cut in the HAR (and marked so). */
  const saveHar = async (maxBodyBytes?: number) => {
    try {
      if (api.desktop) {
        const saved = await api.desktop.chooseWhereToSaveHar(maxBodyBytes);
        if (saved) store.getState().notify(`saved ${saved.entries} entries as HAR to ${saved.path}`);
      } else if (api.browser) {
        download(api.browser.harUrl(maxBodyBytes));
      }
    } catch (error) {
      report(error);
    }
  };

  /** The exchanges chosen, alone: to a file the desktop asks for, or a download. */
  const exportSelected = async (selection: ExportSelection) => {
    const what = selection.format === 'har' ? 'as HAR' : 'as a capture';
    try {
      if (api.desktop) {
        const exported = await api.desktop.chooseWhereToExport(selection);
        if (exported) store.getState().notify(`exported ${plural(exported.exchanges, 'exchange')} ${what} to ${exported.path}${exported.leftOut ? `; left out: ${exported.leftOut}` : ''}`);
      } else if (api.browser) {
        const { blob, name } = await api.browser.exportSelected(selection);
        const url = URL.createObjectURL(blob);
        download(url, name);
        // The download has its bytes once it started: the URL can go after this turn.
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        store.getState().notify(`exported ${plural(selection.ids.length, 'exchange')} ${what} (${name})`);
      }
    } catch (error) {
      report(error);
    }
  };

  /** The files opened (and, on the desktop, saved) last, newest first. */
  const recentFiles = async (): Promise<RecentFile[]> => {
    if (api.desktop) return api.desktop.recentFiles();
    return readRecent(browserStorage());
  };

  /** A recent file again; one gone says so (and stays listed as gone). */
  const openRecent = async (file: RecentFile) => {
    try {
      if (api.desktop) await api.desktop.openRecent(file.where);
      else if (api.browser) {
        await api.browser.reopenUpload(file.where, file.name);
        rememberUpload(browserStorage(), file.name, file.where);
      }
      store.getState().notify(`opened ${file.name}`);
    } catch (error) {
      if (api.browser && /is gone/.test(error instanceof Error ? error.message : '')) markGone(browserStorage(), file.where);
      report(error);
    }
  };

  return { openFile, openDialog, save, saveHar, exportSelected, recentFiles, openRecent };
}
