// The Stream view engine (issue 8): item parsers, Content-Encoding removal, and
// tying items to chunks. Pure apart from zlib; the engine feeds it body pieces.

export { chunkLabel, itemsWithChunks, spanAt, type DecodedSpan } from './carriage';
export { BodyDecoder, parseContentEncoding, type ContentEncoding, type DecodeFailure } from './decode';
export { EventStreamParser } from './event-stream';
export { FeedParser } from './feed';
export { RAW_LIMIT, type ItemParser, type ParseError, type Parsed } from './item-parser';
export { JsonLinesParser } from './json-lines';
export { kindFromBytes, kindFromType, parseMediaType, streamKindFor, type MediaType } from './kind';
export { TextLinesParser } from './text-lines';
export { parserFor, StreamView, streamItems, type BodyPiece, type StreamViewOptions } from './view';
