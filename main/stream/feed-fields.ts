// What a feed item shows: title, link and date, taken from its child elements. One
// set of rules for RSS 2.0, RSS 1.0 (RDF) and Atom, matching on local names so a
// prefix (atom:link, dc:date, rss:title) does not matter.

/** Lower rank wins: the order the issue gives, RSS's own date first. */
const DATE_RANK = new Map([
  ['pubDate', 0],
  ['date', 1],
  ['updated', 2],
  ['published', 3],
]);

export function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

/** A child element whose text is being collected (its descendants' text included: Atom's type="xhtml" titles). */
interface Capture {
  name: string;
  depth: number;
  text: string;
  permalink: boolean;
}

export class ItemFields {
  title: string | null = null;
  link: string | null = null;
  date: string | null = null;
  private linkPreferred = false;
  private dateRank = Infinity;
  private guid: string | null = null;
  private capture: Capture | null = null;

  /** A child element of the item opened (`depth` is its own depth). */
  open(qname: string, attributes: Record<string, string>, depth: number): void {
    const name = localName(qname);
    if (name === 'link' && attributes.href !== undefined) {
      // Atom (and atom:link in RSS): rel="alternate", or no rel, is the item's page.
      const rel = attributes.rel ?? 'alternate';
      if (rel === 'alternate' && !this.linkPreferred) {
        this.link = attributes.href.trim();
        this.linkPreferred = true;
      } else if (this.link === null) {
        this.link = attributes.href.trim();
      }
      return;
    }
    if (name === 'title' || name === 'link' || name === 'guid' || DATE_RANK.has(name)) {
      this.capture = { name, depth, text: '', permalink: attributes.isPermaLink !== 'false' };
    }
  }

  text(text: string): void {
    if (this.capture) this.capture.text += text;
  }

  /** An element at `depth` closed. */
  close(depth: number): void {
    const capture = this.capture;
    if (!capture || capture.depth !== depth) return;
    this.capture = null;
    const text = capture.text.replace(/\s+/g, ' ').trim();
    if (capture.name === 'title') {
      this.title ??= text;
    } else if (capture.name === 'link') {
      if (!this.linkPreferred && text !== '') {
        this.link = text;
        this.linkPreferred = true;
      }
    } else if (capture.name === 'guid') {
      if (capture.permalink && text !== '') this.guid ??= text;
    } else {
      const rank = DATE_RANK.get(capture.name)!;
      if (rank < this.dateRank && text !== '') {
        this.date = text;
        this.dateRank = rank;
      }
    }
  }

  /** RSS 2.0: a guid is the item's permalink unless it says isPermaLink="false". */
  finish(): { title: string | null; link: string | null; date: string | null } {
    // A partial item shows what its cut-off field had.
    if (this.capture && this.capture.text.trim() !== '') this.close(this.capture.depth);
    return { title: this.title, link: this.link ?? this.guid, date: this.date };
  }
}
