// The pure parts of programme.js (run through pytest: tests/test_programme_js.py).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as programme from "../../plugins/coachportal/assets/programme.js";

const WORDS = {
  engagements: "Engagements: {n}",
  byStage: "By stage: {stages}",
  sessionsOf: "Sessions used: {used} of {contracted} contracted",
  sessions: "Sessions used: {used}",
  withOverdueCount: "With overdue actions: {n}",
  surveyRound: "Survey round {round}: {mean} on average across {n} engagements",
  surveyHidden: "Survey averages are shown across three engagements or more.",
};

function facts(stageLabel, sessions, contracted, overdue, surveys) {
  return { stageLabel, sessions, contracted, overdue, surveys };
}

describe("programme summary", () => {
  test("adds up stages, sessions, overdue and survey means across three engagements", () => {
    const lines = programme.programmeSummary(
      [
        facts("Action", 5, 12, 2, { 1: 1.0, 2: 1.5 }),
        facts("Action", 7, 6, 0, { 1: 1.6 }),
        facts("Achievement", 4, null, 1, { 1: 0.5, 2: 2.0 }),
      ],
      WORDS
    );
    assert.deepEqual(lines, [
      "Engagements: 3",
      "By stage: Action 2, Achievement 1",
      "Sessions used: 16 of 18 contracted",
      "With overdue actions: 2",
      "Survey round 1: +1.0 on average across 3 engagements",
      "Survey averages are shown across three engagements or more.", // round 2 has two
    ]);
  });

  test("two engagements never show a survey average", () => {
    const lines = programme.programmeSummary(
      [facts("Action", 1, null, 0, { 1: 2.0 }), facts("Action", 2, null, 0, { 1: -1.0 })],
      WORDS
    );
    assert.ok(!lines.some((line) => line.startsWith("Survey round")));
    assert.ok(lines.includes("Sessions used: 3"));
    assert.equal(programme.MIN_SURVEY_ENGAGEMENTS, 3);
  });
});

describe("fragment", () => {
  test("round-trips filters and sort", () => {
    const state = { stage: "action", coach: "Tomás Reyes", programme: "", overdue: "yes", sort: "next", dir: "desc" };
    const hash = programme.formatFragment(state);
    assert.equal(hash, "#stage=action&coach=Tom%C3%A1s+Reyes&overdue=yes&sort=next&dir=desc");
    assert.deepEqual(programme.parseFragment(hash), state);
    assert.equal(programme.formatFragment(programme.parseFragment("")), "");
  });

  test("filters by every chosen value", () => {
    const row = { stage: "action", coach: "A", programme: "P", overdue: "2" };
    assert.ok(programme.passes(row, programme.parseFragment("#stage=action&overdue=yes")));
    assert.ok(!programme.passes(row, programme.parseFragment("#overdue=no")));
    assert.ok(!programme.passes(row, programme.parseFragment("#coach=B")));
  });
});

describe("csv", () => {
  test("quotes like RFC 4180 and defuses formulas", () => {
    const text = programme.csvText([
      ["Client", "Next date"],
      ['Zoë "Z" & Co, Ltd', "=HYPERLINK(1)"],
      ["+1.2", "line\nbreak"],
    ]);
    assert.equal(text, '\ufeffClient,Next date\r\n"Zoë ""Z"" & Co, Ltd",\'=HYPERLINK(1)\r\n+1.2,"line\nbreak"\r\n');
  });
});
