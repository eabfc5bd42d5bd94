"""programs.rules.pair_refusals on hand-built facts: each rule alone, in words, and `skip`. No database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from programs import rules

MENTOR, MENTEE = 1, 2


def _facts(**changes) -> rules.PairFacts:
    base = rules.PairFacts(
        names={MENTOR: "Ada Mentor", MENTEE: "Bo Mentee", 3: "Cy Boss"},
        supervisors={},
        bans=frozenset(),
        grades={MENTOR: "GS-14", MENTEE: "GS-12"},
        grade_rule=True,
        allow_repeat_pairs=False,
        approved=frozenset({(MENTOR, "mentor"), (MENTEE, "mentee")}),
        separated={},
        places={MENTOR: 2},
        taken={MENTOR: 0},
        current_mentor={},
        this_cycle={},
    )
    return replace(base, **changes)


def _rules(facts, **kw):
    return [r.rule for r in rules.pair_refusals(facts, MENTOR, MENTEE, **kw)]


def test_a_pair_that_breaks_nothing_is_allowed():
    assert rules.pair_refusals(_facts(), MENTOR, MENTEE) == []


def test_each_rule_alone_refuses_with_its_sentence():
    cases = {
        rules.CHAIN: _facts(supervisors={MENTEE: 3, 3: MENTOR}),
        rules.BAN: _facts(bans=frozenset({(MENTOR, MENTEE)})),
        rules.GRADE: _facts(grades={MENTOR: "GS-11", MENTEE: "GS-12"}),
        rules.PRIOR: _facts(prior_pairs=frozenset({(MENTOR, MENTEE)})),
        rules.CAPACITY: _facts(taken={MENTOR: 2}),
        rules.ROLE: _facts(approved=frozenset({(MENTEE, "mentee")})),
        rules.SEPARATED: _facts(separated={MENTEE: date(2026, 1, 31)}),
        rules.PAIRED: _facts(current_mentor={MENTEE: "Dee Other"}),
    }
    for rule, facts in cases.items():
        refusals = rules.pair_refusals(facts, MENTOR, MENTEE)
        assert [r.rule for r in refusals] == [rule], rule
        assert refusals[0].text.endswith(".") and ("Ada Mentor" in refusals[0].text or "Bo Mentee" in refusals[0].text)


def test_the_grade_rule_only_when_the_cycle_asks_and_only_on_one_scale():
    assert _rules(_facts(grade_rule=False, grades={MENTOR: "GS-5", MENTEE: "GS-15"})) == []
    assert _rules(_facts(grades={MENTOR: "Band 2", MENTEE: "GS-15"})) == []
    assert _rules(_facts(grades={MENTOR: "", MENTEE: "GS-15"})) == []
    assert _rules(_facts(grades={MENTOR: "GS-12", MENTEE: "GS-12"})) == []


def test_repeats_allowed_and_a_closed_pair_of_this_cycle():
    assert _rules(_facts(prior_pairs=frozenset({(MENTOR, MENTEE)}), allow_repeat_pairs=True)) == []
    assert _rules(_facts(this_cycle={(MENTOR, MENTEE): False})) == [rules.PAIRED]
    refusals = rules.pair_refusals(_facts(this_cycle={(MENTOR, MENTEE): True}), MENTOR, MENTEE)
    assert [r.text for r in refusals] == ["Ada Mentor is already mentoring Bo Mentee this cycle."]


def test_skip_leaves_rules_out_and_self_is_always_refused():
    full = _facts(taken={MENTOR: 2}, current_mentor={MENTEE: "Dee"}, this_cycle={(MENTOR, MENTEE): True})
    assert _rules(full, skip=frozenset({rules.CAPACITY, rules.PAIRED})) == []
    assert [r.rule for r in rules.pair_refusals(_facts(), MENTOR, MENTOR)] == [rules.SELF]


def test_every_broken_rule_is_listed_at_once():
    facts = _facts(supervisors={MENTOR: MENTEE}, bans=frozenset({(MENTOR, MENTEE)}), grades={MENTOR: "GS-1", MENTEE: "GS-2"})
    assert _rules(facts) == [rules.CHAIN, rules.BAN, rules.GRADE]
