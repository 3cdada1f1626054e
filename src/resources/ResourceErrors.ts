/**
 * Why a resource request failed, in the terms MCP clients act on: `NotFound` (no such record the
 * caller can see — never "exists but not yours", so existence does not leak), `Refused` (the
 * read tool refused: policy, zero-knowledge user, vault, upstream), `InvalidParams` (a URI or
 * cursor that is not ours) and `LimitReached` (too many subscriptions for this user). The SDK
 * boundary turns them into JSON-RPC errors (`toProtocolError`).
 */
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "@modelcontextprotocol/server"
import { Schema } from "effect"

export class ResourceFailure extends Schema.TaggedError<ResourceFailure>()("ResourceFailure", {
  reason: Schema.Literal("NotFound", "Refused", "InvalidParams", "LimitReached"),
  uri: Schema.optional(Schema.String),
  detail: Schema.String
}) {
  override get message() {
    return this.detail
  }
}

export const toProtocolError = (failure: ResourceFailure): ProtocolError => {
  switch (failure.reason) {
    case "NotFound":
      return new ResourceNotFoundError(failure.uri ?? "", failure.detail)
    case "InvalidParams":
      return new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        failure.detail,
        failure.uri === undefined ? undefined : { uri: failure.uri }
      )
    case "LimitReached":
    case "Refused":
      return new ProtocolError(ProtocolErrorCode.InvalidRequest, failure.detail)
  }
}
