/** A request the engine cannot do, in words for the person who asked (the API answers with it). */
export class EngineError extends Error {}
