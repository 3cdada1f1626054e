/**
 * The kinds of value `completion/complete` can offer, each from the caller's own data in the
 * active space (or their spaces): named once so prompt arguments and resource-template variables
 * point at the same sources.
 */
export const completionKinds = [
  "habit-title",
  "task-title",
  "tag",
  "mood",
  "space-name",
  "note-id",
  "task-id",
  "entry-id"
] as const
export type CompletionKind = (typeof completionKinds)[number]
