/**
 * The contract every error a tool handler may fail with must meet: a tag for metrics and tests,
 * and a `message` written for the agent (what went wrong and what to do), free of secrets.
 * `src/tools/kit/invoke.ts` is the only place that turns such errors into MCP results.
 */
export interface AgentError {
  readonly _tag: string
  readonly message: string
}
