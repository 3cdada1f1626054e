/**
 * What a tool does to the user's data: reads it, writes it, or destroys it. The policy gate,
 * the OAuth scopes, the transport's scope check and plain answers all decide by it.
 */
export type PolicyHint = "read" | "write" | "destructive"
