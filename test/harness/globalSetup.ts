/**
 * vitest's global setup: fails the run at once, before any test starts, when a system program the
 * tests need is missing (`npm test` installs them first: scripts/provision.ts), instead of
 * letting each test file fail, or wait on a timeout, one by one.
 */
import { requireBinary, systemBinaries } from "./systemBinaries.ts"

export default function setup() {
  for (const binary of systemBinaries) requireBinary(binary)
}
