/** The HTTP answers of the 2025-era leg's own failures: transport, state store, rebuild. */
import type { StateStoreUnavailable } from "../../state/StateStoreUnavailable.ts"
import { errorResponse } from "../http/httpResponses.ts"
import type { RebuildFailed } from "./sessionRebuild.ts"

export const transportFailure = (cause: unknown) =>
  errorResponse(
    500,
    "transport_error",
    "The MCP transport failed to handle this request; retry, or re-initialize the session",
    { detail: cause instanceof Error ? cause.name : "unknown" }
  )

export const storeUnavailable = (error: StateStoreUnavailable) =>
  errorResponse(503, "state_store_unavailable", error.message, { store: error.store }, { "retry-after": "2" })

export const rebuildFailed = (_: RebuildFailed) =>
  errorResponse(
    503,
    "session_unavailable",
    "This gateway instance could not restore the session; retry in a moment, or start a new session with an initialize request",
    {},
    { "retry-after": "1" }
  )
