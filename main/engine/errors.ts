// What the engine refuses, in words: the API passes the sentence on to the UI as it is.

export class EngineError extends Error {}
