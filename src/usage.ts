/**
 * What `npm start -- --help` (or `bun src/main.ts --help`) prints: the gateway takes no
 * arguments — it is configured by environment variables — so `--help`/`-h` prints how to run and
 * configure it and exits 0 instead of starting a server, and any other argument is refused with
 * one line (exit 2) rather than silently ignored. Pure; `main.ts` acts on the answer.
 */

export const usage = `mana-mcp — the MCP gateway to a user's Mana data (Streamable HTTP at /mcp)

Usage:
  npm start                  local mode: embedded dev mana-auth and mana-sync, no configuration
  npm start -- --help        this text
  MANA_AUTH_URL=… MANA_SYNC_URL=… npm start    production mode against real upstreams

Configured by environment variables only; the main ones:
  PORT (3069; 0 picks one)   HOST (127.0.0.1)   PUBLIC_URL (the URL clients use; the token audience)
  MANA_AUTH_URL, MANA_SYNC_URL   both for production, neither for local mode
  POLICY_MODE (log-only | enforce | off)   POLICY_ALLOW_DESTRUCTIVE   POLICY_RATE_LIMIT
  STATE_STORE (memory | redis)   REDIS_URL   STATE_ENCRYPTION_KEY   CONFIRMATION_SIGNING_KEY
Every variable, with its default: README.md ("Configuration") and docs/operations.md.
`

export type Invocation =
  | { readonly _tag: "Run" }
  | { readonly _tag: "Help" }
  | { readonly _tag: "Unknown"; readonly argument: string }

/** What the command-line arguments (after the script) ask for. */
export const invocationOf = (args: ReadonlyArray<string>): Invocation => {
  if (args.some((arg) => arg === "--help" || arg === "-h" || arg === "help")) return { _tag: "Help" }
  const first = args[0]
  return first === undefined ? { _tag: "Run" } : { _tag: "Unknown", argument: first }
}
