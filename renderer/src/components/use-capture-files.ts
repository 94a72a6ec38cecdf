// Opening and saving captures: through the desktop's dialogs and paths, or by upload and
// download in a browser.
import { useApi, useAppStore } from '../context';

export function useCaptureFiles() {
  const api = useApi();
  const store = useAppStore();
  const report = (error: unknown) => store.getState().notify(error instanceof Error ? error.message : String(error));

  const openFile = async (file: File) => {
    try {
      if (api.desktop) await api.openCapture({ path: api.desktop.pathForFile(file) });
      else if (api.browser) await api.browser.uploadCapture(file.name, await file.arrayBuffer());
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
        const link = document.createElement('a');
        link.href = api.browser.downloadUrl();
        link.download = '';
        link.click();
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
        const link = document.createElement('a');
        link.href = api.browser.harUrl(maxBodyBytes);
        link.download = '';
        link.click();
      }
    } catch (error) {
      report(error);
    }
  };

  return { openFile, openDialog, save, saveHar };
}
