// A whole capture, re-analysed from its records: the capture form of spec/INSPECT.md.

import type { ConnectionReport } from '../../shared/capture';
import type { CaptureEvent, CaptureRecord } from '../capture/format';
import type { AnalyzerOptions } from './analyzer-options';
import { ConnectionAnalyzer } from './connection';

export interface CaptureReport {
  session: Extract<CaptureEvent, { type: 'session' }> | null;
  connections: ConnectionReport[];
  /** The capture was closed cleanly (an `end` record), or was cut short. */
  closedCleanly: boolean;
}

export class CaptureAnalysis {
  session: CaptureReport['session'] = null;
  readonly connections = new Map<number, ConnectionAnalyzer>();
  closedCleanly = false;

  constructor(private options: AnalyzerOptions = {}) {}

  add(record: CaptureRecord): void {
    switch (record.type) {
      case 'session':
        this.session = record;
        // The capture's own stall threshold (--stall-after when it was taken), else the default.
        if (record.stallSeconds !== undefined && this.options.stallSeconds === undefined) this.options = { ...this.options, stallSeconds: record.stallSeconds };
        return;
      case 'end':
        this.closedCleanly = true;
        return;
      case 'open':
        this.connections.set(record.connection, new ConnectionAnalyzer(record.connection, record.client, record.mode, record.time, this.options));
        return;
      case 'data':
        this.connections.get(record.connection)?.data(record.stream, record.bytes, record.time, record.generated);
        return;
      default:
        this.connections.get(record.connection)?.event(record);
    }
  }

  report(): CaptureReport {
    for (const connection of this.connections.values()) connection.finish();
    return {
      session: this.session,
      connections: [...this.connections.values()].map((c) => c.report()),
      closedCleanly: this.closedCleanly,
    };
  }
}

export function analyseCapture(records: Iterable<CaptureRecord>, options: AnalyzerOptions = {}): CaptureReport {
  const analysis = new CaptureAnalysis(options);
  for (const record of records) analysis.add(record);
  return analysis.report();
}
