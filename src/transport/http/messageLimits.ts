/**
 * The structural limits of a `/mcp` message, shared by the byte scan (`bodyScan.ts`, before the
 * parse) and the checks on the parsed message (`requestLimits.ts`), so both refuse the same.
 */

/** Properties of `tools/call` arguments: no tool takes anywhere near this many. */
export const maxArgumentProperties = 1000
/** Deeper than any valid call: tool arguments sit 3 levels down and take 32 levels themselves. */
export const maxMessageDepth = 64
