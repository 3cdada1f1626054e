/** The SDK transport of a session threw: a 500 naming only the error's class, never its text. */
import { TransportFailed } from "../http/HttpFailure.ts"

export const transportFailure = (cause: unknown) =>
  new TransportFailed({ leg: "session", detail: cause instanceof Error ? cause.name : "unknown" })
