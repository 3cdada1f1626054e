/**
 * What a user hears past their admission queue (`UserAdmission.ts`): a tool call gets a tool
 * error the agent can read and act on (retry), a body a 429 with `Retry-After`. Both say the
 * refusal is about this user's own load, not the request.
 */
import type { AdmissionSettings } from "../../config/admission.ts"
import type { InvokeOutcome } from "../../tools/invoke.ts"
import { errorResult } from "../../tools/toolResult.ts"
import { errorResponse } from "../httpResponses.ts"

export const busyCallOutcome = (limits: AdmissionSettings): InvokeOutcome => ({
  _tag: "Result",
  result: errorResult(
    `Busy: you already have ${limits.userCallsInFlight} tool calls running and ${limits.userCallQueue} waiting (USER_CALLS_IN_FLIGHT, USER_CALL_QUEUE). Nothing was done; retry this call once some of the others have answered.`
  )
})

export const busyBodyResponse = (limits: AdmissionSettings): Response =>
  errorResponse(
    429,
    "too_many_requests",
    `Too many of your requests are being read at once (more than ${
      limits.userCallsInFlight + limits.userCallQueue
    } waiting for USER_BODY_BYTES); nothing was done, retry in a moment`,
    {},
    { "retry-after": "1", connection: "close" }
  )
