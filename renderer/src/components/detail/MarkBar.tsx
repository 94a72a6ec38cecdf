// The detail's pin and comment: both saved in the capture (as a mark event) when changed;
// a comment when the field is left or Enter pressed, Escape puts the saved one back.
import { useEffect, useState } from 'react';
import type { ExchangeRow } from '../../../../shared/api';
import { Pin } from '../list/columns';
import { useMarks } from '../use-marks';

/** The API's longest comment (main/engine/marks.ts MAX_COMMENT). */
const MAX_COMMENT = 10_000;

export function MarkBar({ row }: { row: ExchangeRow }) {
  const { mark } = useMarks();
  const saved = row.mark?.comment ?? '';
  const pinned = row.mark?.pinned ?? false;
  const [comment, setComment] = useState(saved);
  useEffect(() => setComment(saved), [row.id, saved]);
  const commit = () => {
    if (comment !== saved) void mark(row, { comment });
  };
  return (
    <div className="mark-bar" data-testid="mark-bar">
      <button type="button" data-testid="pin-toggle" className={pinned ? 'on' : ''} aria-pressed={pinned} onClick={() => void mark(row, { pinned: !pinned })} title={`${pinned ? 'Unpin' : 'Pin'} this exchange (P in the list): saved in the capture`}>
        <Pin /> {pinned ? 'Pinned' : 'Pin'}
      </button>
      <input
        type="text"
        data-testid="comment"
        aria-label="Comment"
        placeholder="Add a comment (saved in the capture)…"
        value={comment}
        maxLength={MAX_COMMENT}
        onChange={(event) => setComment(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          } else if (event.key === 'Escape') {
            // The saved comment back; the next Escape leaves the field.
            if (comment !== saved) {
              event.preventDefault();
              event.stopPropagation();
              setComment(saved);
            }
          }
        }}
      />
    </div>
  );
}
