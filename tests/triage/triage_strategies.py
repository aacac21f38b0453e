"""Hypothesis strategies for the triage core."""

from __future__ import annotations

from hypothesis import strategies as st

from triage import Answer, Facts, Finding

findings = st.sampled_from(list(Finding))
answers = st.sampled_from(list(Answer))
ages = st.one_of(st.none(), st.integers(min_value=0, max_value=110))

facts_strategy = st.builds(
    lambda items, age: Facts(items).with_age(age) if age is not None else Facts(items),
    st.dictionaries(findings, answers, max_size=30),
    ages,
)
