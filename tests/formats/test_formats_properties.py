"""Property tests: random valid tables pass every hard rule, and breaking one cell is reported by
exactly the rules that involve that cell."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.formats import available_formats, get_format
from reports.formats import rules as format_rules
from reports.generate import plausible_values

FORMATS = [get_format(version, variant) for version, variant in available_formats()]


def _hard_rules_with(fmt, cell_id):
    return {
        rule.id for rule in fmt.rules
        if getattr(rule, "severity", None) is format_rules.Severity.HARD
        and any(t.cell == cell_id and t.offset == 0 for t in (*rule.lhs, *rule.rhs))
    }


@settings(max_examples=60, deadline=None)
@given(fmt=st.sampled_from(FORMATS), seed=st.integers(0, 10**6), scale=st.integers(1, 500))
def test_random_valid_tables_pass_every_hard_rule(fmt, seed, scale):
    values = plausible_values(fmt, random.Random(seed), scale=scale)
    assert format_rules.hard_failures(format_rules.evaluate(fmt, values)) == []


@settings(max_examples=150, deadline=None)
@given(fmt=st.sampled_from(FORMATS), seed=st.integers(0, 10**6), pick=st.integers(0, 10**6),
       delta=st.integers(1, 50), sign=st.sampled_from([1, -1]))
def test_breaking_one_cell_is_reported_by_exactly_the_rules_on_that_cell(fmt, seed, pick, delta, sign):
    values = plausible_values(fmt, random.Random(seed))
    cells = list(fmt.cells().values())
    target = cells[pick % len(cells)]
    changed = dict(values)
    changed[target.id] = (changed.get(target.id) or 0) + sign * delta
    # As a published report is checked: the numbers as written, nothing recomputed.
    failing = {r.rule_id for r in format_rules.hard_failures(format_rules.evaluate(fmt, changed))}
    assert failing == _hard_rules_with(fmt, target.id)


@settings(max_examples=60, deadline=None)
@given(fmt=st.sampled_from(FORMATS), last=st.sampled_from(FORMATS), seed=st.integers(0, 10**6))
def test_generated_reports_given_last_year_keep_the_cross_year_rules(fmt, last, seed):
    """The demo's content: last year's closing figures and 现行有效件数 continue into this year."""
    previous = plausible_values(last, random.Random(seed))
    values = plausible_values(fmt, random.Random(seed + 1), previous=previous, previous_version=last.version)
    results = format_rules.evaluate(fmt, values, previous=previous, previous_version=last.version)
    assert [r.message for r in results if not r.ok and r.kind != "text"] == []
