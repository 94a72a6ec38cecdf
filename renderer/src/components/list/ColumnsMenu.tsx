// Which columns the Exchanges list shows: a checklist behind one button, remembered.
import { Menu } from '../Menu';
import { LIST_COLUMNS } from './columns';

/** What the menu needs of a column (TanStack Table's column has it). */
interface Hideable {
  id: string;
  getIsVisible(): boolean;
  toggleVisibility(visible?: boolean): void;
}

export function ColumnsMenu({ columns, onReset }: { columns: Hideable[]; onReset: () => void }) {
  const about = new Map(LIST_COLUMNS.map((c) => [c.id, c.about]));
  return (
    <Menu label="Columns" title="Show or hide columns; drag a header's edge to resize, click it to sort (Shift: by several)" testId="columns-menu">
      {(close) => (
        <>
          {columns.map((column) => (
            <label key={column.id} className="menu-check" title={about.get(column.id)}>
              <input type="checkbox" data-testid={`column-${column.id}`} checked={column.getIsVisible()} onChange={(event) => column.toggleVisibility(event.target.checked)} /> {column.id}
            </label>
          ))}
          <hr />
          <button type="button" role="menuitem" onClick={() => (close(), onReset())}>
            Reset columns
          </button>
        </>
      )}
    </Menu>
  );
}
