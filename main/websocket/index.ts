// The WebSocket frame parser (RFC 6455, with RFC 7692's per-message compression): pure,
// streaming, one direction of an upgraded connection.
export { negotiatedExtensions, type DeflateSide, type Negotiated } from './deflate';
export { DEFAULT_WS_LIMITS, type WebSocketLimits } from './limits';
export { WebSocketParser, type WsParserOptions } from './parser';
