// Copy, from the detail: the URL, either head, either body as sent or decoded.
import type { ExchangeDetail } from '../../../../shared/api';
import { COPY_ITEMS } from '../../model/copy';
import { Menu } from '../Menu';
import { useCopy } from '../use-copy';

export function CopyMenu({ detail }: { detail: ExchangeDetail }) {
  const copy = useCopy();
  const items = COPY_ITEMS.filter((item) => item.what === 'url' || (item.direction === 'request' ? detail.request : detail.response));
  return (
    <Menu label="Copy ▾" title="Copy the URL, the headers, or a body (as sent, or decoded)" testId="copy-menu" fixed>
      {(close) =>
        items.map((item) => (
          <button key={item.id} type="button" role="menuitem" data-testid={item.id} onClick={() => (close(), void copy(detail.row, item))}>
            {item.label}
          </button>
        ))
      }
    </Menu>
  );
}
