// What a person keeps of a session, beside the traffic: a pin and a comment on an exchange
// (saved in the capture), some exchanges exported alone, the files opened and saved lately.

/** A person's mark on an exchange: a pin and a comment ('' for none). */
export interface ExchangeMark {
  pinned: boolean;
  comment: string;
}

/** Some exchanges of a session, to be exported alone. */
export interface ExportSelection {
  ids: string[];
  format: 'capture' | 'har';
  /** HAR: bodies longer than this are cut (and marked _truncated). */
  maxBodyBytes?: number;
}

export interface ExportedSelection {
  path: string;
  format: ExportSelection['format'];
  exchanges: number;
  bytes: number;
  /** What a capture of some exchanges leaves out of what they were in the whole one, in words (null for HAR, whose entries stand alone). */
  leftOut: string | null;
}

/** A file opened or saved lately, to open again from the Recent menu. */
export interface RecentFile {
  /** Its name, as the menu shows it. */
  name: string;
  /** Desktop: its path. Browser: the id of its upload on the bridge (the page cannot know a path). */
  where: string;
  how: 'opened' | 'saved';
  /** When (ISO 8601). */
  at: string;
  /** No longer there (desktop: looked at when listed). */
  gone?: boolean;
}
