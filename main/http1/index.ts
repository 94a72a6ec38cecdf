// The HTTP/1.1 framing parser: pure, streaming, both directions.
export { Http1Parser, type ParserOptions, type Waiting } from './parser';
export { LedgerBuilder, type TimeAt } from './ledger';
export { DEFAULT_LIMITS, type ParserLimits } from './limits';
