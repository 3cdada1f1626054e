/**
 * Who may see a tool: every user in their space, or only admins (hidden from `tools/list`).
 * Shared vocabulary of the tool kit, the policy gate and the transport.
 */
export type ToolScope = "user-space" | "admin"
