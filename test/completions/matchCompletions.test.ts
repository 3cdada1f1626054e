import { assert, describe, it } from "@effect/vitest"
import { matchCompletions, maxCompletionValues } from "../../src/completions/matchCompletions.ts"

describe("matchCompletions", () => {
  it("ranks values that start with the text, then a word that does, then any match; case-insensitive", () => {
    const answer = matchCompletions(["Read a chapter", "Walk", "Readme", "Spread butter", "Meditate"], "rEa")
    assert.deepStrictEqual(answer.values, ["Read a chapter", "Readme", "Spread butter"])
    // A word starting with the text beats the text inside a word, whatever the alphabet says.
    assert.deepStrictEqual(matchCompletions(["Apron", "Bread roll"], "ro").values, ["Bread roll", "Apron"])
    assert.deepStrictEqual(matchCompletions(["Read a chapter", "Chapter one"], "chap").values, [
      "Chapter one",
      "Read a chapter"
    ])
  })

  it("offers everything, alphabetically, for an empty value", () => {
    assert.deepStrictEqual(matchCompletions(["b", "a", "c"], "").values, ["a", "b", "c"])
  })

  it("answers at most 100 values, with the total and hasMore", () => {
    const many = Array.from({ length: 150 }, (_, index) => `habit ${String(index).padStart(3, "0")}`)
    const answer = matchCompletions(many, "habit")
    assert.strictEqual(answer.values.length, maxCompletionValues)
    assert.strictEqual(answer.total, 150)
    assert.isTrue(answer.hasMore)
    const few = matchCompletions(many, "habit 14")
    assert.deepStrictEqual(few.total, 10)
    assert.isFalse(few.hasMore)
  })
})
