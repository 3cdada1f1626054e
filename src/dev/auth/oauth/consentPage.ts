/**
 * The sign-in and consent pages of the dev authorization server: plain server-rendered HTML, no
 * script, no framework. Every value is escaped; the one stylesheet is inline and allowed by its
 * hash, so the Content-Security-Policy can forbid everything else, framing included
 * (`frame-ancestors 'none'` against clickjacking). Labels, fieldsets and `role="alert"` errors
 * keep it usable with a screen reader; the viewport and single column keep it readable on a phone.
 */
import { createHash } from "node:crypto"
import { type ManaScope, scopeDescriptions } from "../../../auth/scopes.ts"

const css = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0; padding: 1rem; line-height: 1.5; background: Canvas; color: CanvasText; }
main { max-width: 28rem; margin: 2rem auto; padding: 1.5rem; border: 1px solid #8886; border-radius: 0.75rem; }
h1 { font-size: 1.4rem; margin: 0 0 0.75rem; }
p { margin: 0 0 1rem; }
.client { overflow-wrap: anywhere; }
.alert { padding: 0.75rem; border-radius: 0.5rem; border: 2px solid #c0392b; margin-bottom: 1rem; }
label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
input[type=email], input[type=password] { box-sizing: border-box; width: 100%; font-size: 1rem; padding: 0.6rem; border-radius: 0.4rem; border: 1px solid #888; }
fieldset { border: 1px solid #8886; border-radius: 0.5rem; margin: 0 0 1rem; padding: 0.5rem 0.75rem 0.75rem; }
legend { font-weight: 700; padding: 0 0.25rem; }
.choice { display: flex; gap: 0.6rem; align-items: flex-start; margin-top: 0.6rem; }
.choice input { width: 1.25rem; height: 1.25rem; margin: 0.15rem 0 0; flex: none; }
.choice label { margin: 0; font-weight: 400; }
.hint { display: block; font-size: 0.875rem; opacity: 0.8; }
.actions { display: flex; gap: 0.75rem; margin-top: 1.25rem; flex-wrap: wrap; }
button { flex: 1 1 8rem; font-size: 1rem; padding: 0.7rem 1rem; border-radius: 0.5rem; border: 1px solid #1f5fbf; cursor: pointer; }
button.allow { background: #1f5fbf; color: #fff; }
button.deny { background: transparent; color: inherit; border-color: #888; }
button:focus-visible, input:focus-visible { outline: 3px solid #f39c12; outline-offset: 2px; }
`

const cssHash = createHash("sha256").update(css).digest("base64")

/** The page's CSP; `formTarget` is where a submitted form may end up (the client's redirect). */
export const pageHeaders = (formTarget?: string): Record<string, string> => ({
  "content-security-policy": [
    "default-src 'none'",
    `style-src 'sha256-${cssHash}'`,
    // A form post answered with a redirect to the client must be allowed by form-action too.
    `form-action 'self'${formTarget === undefined ? "" : ` ${formTarget}`}`,
    "frame-ancestors 'none'",
    "base-uri 'none'"
  ].join("; "),
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store"
})

export const escapeHtml = (value: string): string =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(
    /'/g,
    "&#39;"
  )

const layout = (title: string, body: string) =>
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Mana</title>
<style>${css}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`

const alert = (error: string | undefined) =>
  error === undefined ? "" : `<p class="alert" role="alert">${escapeHtml(error)}</p>`

export interface RequestContext {
  readonly clientName: string
  /** Where the answer goes: a host (no port on loopback) or a private-use scheme. */
  readonly redirectHost: string
  readonly redirectIsThisComputer: boolean
  readonly requestId: string
  readonly csrfToken: string
}

const hidden = (context: RequestContext) =>
  `<input type="hidden" name="request_id" value="${escapeHtml(context.requestId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(context.csrfToken)}">`

/**
 * Who asks, and where the answer goes, in two paragraphs. The client's name is its own and
 * could carry right-to-left text or stray formatting: `<bdi>` isolates it, so it cannot reorder
 * the words after it, and the destination stands in a paragraph of its own, isolated
 * left-to-right, so no name can move or reverse it.
 */
const who = (context: RequestContext) =>
  `<p class="client"><strong><bdi>${escapeHtml(context.clientName)}</bdi></strong> wants to use your Mana data.</p>
<p class="client">You will be sent back to <strong><bdi dir="ltr">${escapeHtml(context.redirectHost)}</bdi></strong>${
    context.redirectIsThisComputer ? " (this computer)" : ""
  }.</p>`

export const signInPage = (context: RequestContext, options: { readonly error?: string; readonly email?: string }) =>
  layout(
    "Sign in",
    `<h1>Sign in to Mana</h1>
${who(context)}
${alert(options.error)}
<form method="post" action="/oauth/authorize/sign-in">
${hidden(context)}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${
      escapeHtml(options.email ?? "")
    }">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions">
<button class="allow" type="submit" name="action" value="sign-in">Sign in</button>
<button class="deny" type="submit" name="action" value="deny" formnovalidate>Deny</button>
</div>
</form>`
  )

export interface SpaceChoice {
  readonly id: string
  readonly name: string
  readonly type: string
}

export const consentPage = (
  context: RequestContext,
  options: {
    readonly email: string
    readonly spaces: ReadonlyArray<SpaceChoice>
    readonly scopes: ReadonlyArray<ManaScope>
    readonly error?: string
  }
) =>
  layout(
    "Allow access",
    `<h1>Allow access to Mana?</h1>
${who(context)}
<p>Signed in as <strong>${escapeHtml(options.email)}</strong>.</p>
${alert(options.error)}
<form method="post" action="/oauth/authorize/consent">
${hidden(context)}
<fieldset>
<legend>Space the agent may act in</legend>
${
      options.spaces.map((space, index) =>
        `<div class="choice"><input type="radio" id="space-${index}" name="space" value="${
          escapeHtml(space.id)
        }" required><label for="space-${index}">${escapeHtml(space.name)}<span class="hint">${
          escapeHtml(space.type)
        } space</span></label></div>`
      ).join("\n")
    }
</fieldset>
<fieldset>
<legend>What it may do there</legend>
${
      options.scopes.map((scope) =>
        // Deleting is never pre-selected: the user opts in to it explicitly.
        `<div class="choice"><input type="checkbox" id="scope-${scope}" name="scope" value="${scope}"${
          scope === "mana.destructive" ? "" : " checked"
        }><label for="scope-${scope}">${
          escapeHtml(scopeDescriptions[scope])
        }<span class="hint">${scope}</span></label></div>`
      ).join("\n")
    }
</fieldset>
<div class="actions">
<button class="allow" type="submit" name="action" value="allow">Allow</button>
<button class="deny" type="submit" name="action" value="deny" formnovalidate>Deny</button>
</div>
</form>`
  )

export const errorPage = (message: string) =>
  layout(
    "Cannot continue",
    `<h1>This sign-in cannot continue</h1>
<p class="alert" role="alert">${escapeHtml(message)}</p>
<p>Nothing was shared. Go back to your app and connect again.</p>`
  )
