// Recent files: opened (and, on the desktop, saved) last, newest first, to open again. One
// gone (moved or deleted; in a browser, an upload a restarted serve no longer holds) is
// listed as gone, and opening it says so.
import { useEffect, useState } from 'react';
import type { RecentFile } from '../../../shared/api';
import { useApi } from '../context';
import { Menu } from './Menu';
import { useCaptureFiles } from './use-capture-files';

function when(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

/** The recent files as menu items (in the Recent menu, or in the narrow window's menu). */
export function RecentItems({ close }: { close: () => void }) {
  const api = useApi();
  const { recentFiles, openRecent } = useCaptureFiles();
  const [files, setFiles] = useState<RecentFile[] | null>(null);
  useEffect(() => {
    let shown = true;
    recentFiles().then(
      (list) => shown && setFiles(list),
      () => shown && setFiles([]),
    );
    return () => {
      shown = false;
    };
    // Read once each time the menu opens (it is made anew then), not at each render.
  }, []);
  if (files === null) return <span className="menu-heading">Recent files…</span>;
  if (files.length === 0) return <span className="menu-heading" data-testid="recent-none">No recent files yet: {api.desktop ? 'the files you open and save' : 'the files you open'} come here</span>;
  return (
    <>
      <span className="menu-heading">Recent files</span>
      {files.map((file) => (
        <button
          key={file.where}
          type="button"
          role="menuitem"
          data-testid="recent-file"
          className={file.gone ? 'gone' : ''}
          title={`${api.desktop ? file.where : file.name}: ${file.how} ${when(file.at)}${file.gone ? ' (gone since)' : ''}`}
          onClick={() => (close(), void openRecent(file))}
        >
          {file.name}
          {file.gone ? <em> (gone)</em> : null}
        </button>
      ))}
    </>
  );
}

export function RecentMenu() {
  return (
    <Menu label="Recent ▾" title="Open a file you opened or saved lately" testId="recent" className="recent-menu">
      {(close) => <RecentItems close={close} />}
    </Menu>
  );
}
