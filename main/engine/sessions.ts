// The sessions the app holds: always one live session, recording what the proxy relays
// (whether or not it is the one shown), and a session per file opened. Opening a file
// never stops or replaces the live capture; clearing starts the live session afresh.

import { rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SessionTab } from '../../shared/api';
import { Recorder, type Clock } from '../analysis/recorder';
import { CaptureWriter } from '../capture/writer';
import { EngineError } from './errors';
import { asCapture } from './files';
import { loadCapture } from './load';
import { Session } from './session';

export interface SessionsOptions {
  /** Where live captures and imports are written. */
  dir: string;
  clock: Clock;
  stallSeconds: number;
  mode: 'forward' | 'reverse';
  /** The proxy's address, written in each live capture's header. */
  listen: () => string;
  /** A session's rows may have changed. */
  dirty(session: Session): void;
  /** Something the tabs show changed (a capture failed, a file loaded further). */
  changed(): void;
}

export class Sessions {
  private readonly files = new Map<string, Session>();
  live!: Session;
  current!: Session;
  private made = 0;

  constructor(private readonly options: SessionsOptions) {}

  /** A new, empty live session; the one before finishes its running connections, then its capture is removed. */
  startLive(): Session {
    const { dir, clock, stallSeconds, mode } = this.options;
    const path = join(dir, `session-${++this.made}.cscap`);
    const writer = new CaptureWriter(path);
    const recorder = new Recorder(writer, clock, { keepChunks: false, stallSeconds });
    const session = new Session(path, 'live', new Date().toISOString(), writer, recorder);
    session.id = 'live';
    session.stallSeconds = stallSeconds;
    // A full disk stops the capture, not the relay: the UI says so at once.
    writer.onFailure(() => this.options.changed());
    recorder.session({ type: 'session', version: 1, startedAt: session.startedAt, tool: 'chunkscope 0.1.0', mode, listen: this.options.listen(), reverse: null, stallSeconds });
    recorder.observer = {
      opened: (a) => session.opened(a, { type: 'open', connection: a.number, time: a.openedAt, client: a.client, mode: a.mode }),
      data: (a, stream, bytes, time, generated, position) => session.data(a.number, stream, generated, time, bytes.length, position),
      event: (a, event) => session.event(a.number, event),
      retired: (a) => session.changed(a.number),
    };
    session.onDirty = () => this.options.dirty(session);
    const previous = this.live as Session | undefined;
    this.live = session;
    if (!this.current || this.current === previous) this.current = session;
    if (previous) retire(previous);
    return session;
  }

  /**
   * Open a file in a session of its own and show it; rows are made as it is read
   * (`progress` is told how far, and stops the reading when it answers false).
   */
  async open(path: string, shownAs: string, progress: (session: Session) => void): Promise<Session> {
    const id = `s${++this.made}`;
    const { capture, imported } = await asCapture(path, shownAs, this.options.dir, this.made);
    const session = new Session(capture, 'file', new Date().toISOString(), null, null);
    session.id = id;
    session.source = shownAs;
    session.imported = imported;
    session.onDirty = () => this.options.dirty(session);
    session.loading = { done: 0, total: statSync(capture).size };
    this.files.set(id, session);
    this.current = session;
    try {
      const result = await loadCapture(capture, session, (done) => {
        if (!this.files.has(id)) return false; // closed while it loaded
        session.loading = { done, total: session.loading?.total ?? done };
        progress(session);
        return true;
      });
      if (result.startedAt) session.startedAt = result.startedAt;
    } finally {
      session.loading = null;
    }
    return session;
  }

  select(id: string): Session {
    this.current = this.byId(id);
    return this.current;
  }

  /** Close a file's session; the live one is shown if it was the one closed. */
  close(id: string): void {
    if (id === this.live.id) throw new EngineError('the live session is cleared, not closed');
    const session = this.byId(id);
    this.files.delete(id);
    session.onDirty = null;
    if (this.current === session) this.current = this.live;
    session.close();
    // An import's capture is Chunkscope's own: the file it came from stays where it was.
    if (session.imported) rmSync(session.path, { force: true });
  }

  all(): Session[] {
    return [this.live, ...this.files.values()];
  }

  tabs(): SessionTab[] {
    return this.all().map((s) => ({
      id: s.id,
      kind: s.kind,
      title: s.kind === 'live' ? 'Live' : basename(s.source),
      source: s.kind === 'live' ? null : s.source,
      exchanges: s.rows.size,
      unsaved: s.unsaved,
      unsavedMarks: s.marks.unsaved,
      capturePath: s.kind === 'live' ? s.path : null,
      savedTo: s.savedTo,
      loading: s.loading,
    }));
  }

  /** Everything ends: the live capture finishes with the connections still open recorded as open. */
  async closeAll(): Promise<void> {
    for (const session of this.files.values()) session.close();
    const live = this.live as Session | undefined;
    live?.recorder?.end();
    live?.close();
    await live?.writer?.close();
  }

  private byId(id: string): Session {
    const session = id === 'live' ? this.live : this.files.get(id);
    if (!session) throw new EngineError(`no session "${id}": it was closed`);
    return session;
  }
}

/** A live session cleared: its running connections finish into it, then its capture goes. */
function retire(session: Session): void {
  session.onDirty = null;
  session.close();
  const finish = () => {
    void session.writer?.close().then(() => rmSync(session.path, { force: true }));
  };
  const recorder = session.recorder;
  if (!recorder || recorder.live.size === 0) return finish();
  recorder.observer = { retired: () => recorder.live.size === 0 && finish() };
}
