// How large a body the viewers that parse it take, apart from the parsers themselves: the
// Body tab reads these before it loads a viewer (which comes in its own chunk).

/** JSON bodies up to this size (in characters) get a tree and pretty text; larger ones are shown as text. */
export const MAX_JSON_VIEW = 4 * 1024 * 1024;
/** XML and HTML bodies up to this size are made pretty; larger ones are shown as text. */
export const MAX_MARKUP_VIEW = 2 * 1024 * 1024;
