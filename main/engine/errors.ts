/** A request the engine cannot carry out, said for the user (the API passes the message on). */
export class EngineError extends Error {}
