// The recent decoded text of a body, with the byte offset of every code unit, so a
// position reported in code units (saxes) can be turned back into a byte offset.
// Only a window is kept: the owner drops what it will not ask about again.

interface Piece {
  /** Index of the piece's first code unit in the whole text. */
  base: number;
  text: string;
  /** Byte offset of each code unit relative to byteBase; null: unit i is byte i. */
  starts: Int32Array | null;
  byteBase: number;
}

export class TextWindow {
  private pieces: Piece[] = [];
  /** Pieces before this index have been dropped (compacted now and then). */
  private head = 0;
  /** Code units appended so far. */
  length = 0;

  append(text: string, starts: Int32Array | null, byteBase: number): void {
    if (text.length === 0) return;
    this.pieces.push({ base: this.length, text, starts, byteBase });
    this.length += text.length;
  }

  /** The first code unit still held. */
  get start(): number {
    return this.head < this.pieces.length ? this.pieces[this.head]!.base : this.length;
  }

  /** Byte offset of code unit `unit`, which must be held. */
  byteAt(unit: number): number {
    const piece = this.find(unit);
    if (!piece) throw new RangeError(`code unit ${unit} is not held (window ${this.start}-${this.length})`);
    const i = unit - piece.base;
    return piece.byteBase + (piece.starts === null ? i : piece.starts[i]!);
  }

  /** The held text in [from, to), clamped to what is held. */
  slice(from: number, to: number): string {
    let text = '';
    for (let p = this.head; p < this.pieces.length; p++) {
      const piece = this.pieces[p]!;
      const end = piece.base + piece.text.length;
      if (end <= from) continue;
      if (piece.base >= to) break;
      text += piece.text.slice(Math.max(0, from - piece.base), Math.min(piece.text.length, to - piece.base));
    }
    return text;
  }

  /** Forget the pieces that end at or before `unit`. */
  dropBefore(unit: number): void {
    while (this.head < this.pieces.length) {
      const piece = this.pieces[this.head]!;
      if (piece.base + piece.text.length > unit) break;
      this.head++;
    }
    if (this.head > 64 && this.head * 2 > this.pieces.length) {
      this.pieces = this.pieces.slice(this.head);
      this.head = 0;
    }
  }

  private find(unit: number): Piece | null {
    let lo = this.head;
    let hi = this.pieces.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const piece = this.pieces[mid]!;
      if (unit < piece.base) hi = mid - 1;
      else if (unit >= piece.base + piece.text.length) lo = mid + 1;
      else return piece;
    }
    return null;
  }
}
