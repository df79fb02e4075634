"use strict";

const test = require("node:test");
const assert = require("node:assert");
const { summarise } = require("../src/report");

test("sums the hours of every shift", () => {
  const report = summarise([
    { who: "ana", start: "2026-01-01T08:00:00Z", end: "2026-01-01T12:00:00Z" },
    { who: "ana", start: "2026-01-02T08:00:00Z", end: "2026-01-02T09:30:00Z" },
  ]);
  assert.deepStrictEqual(report, {
    shifts: 2,
    people: 1,
    hours: 5.5,
    from: "2026-01-01",
  });
});

test("an empty list has no start", () => {
  assert.strictEqual(summarise([]).from, null);
});
