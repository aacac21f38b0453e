"""Knee Helper triage core: facts in, assessment out. Pure standard-library Python.

The vocabulary is imported at once (it is small); the engine, facts, interview and rules load on
first use of one of their names (PEP 562), so importing ``triage.vocabulary`` stays cheap at cold
start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from triage.vocabulary import (
    FINDING_GROUPS,
    AgeBand,
    Answer,
    CareLevel,
    Condition,
    Finding,
    Flag,
)

if TYPE_CHECKING:
    from triage.engine import Assessment, RankedCause, answer_question, assess
    from triage.facts import Facts
    from triage.interview import AGE_QUESTION, ALL_QUESTIONS, Question, QuestionKind, Stage
    from triage.rules import RED_FLAG_FINDINGS, RuleId

_LAZY: dict[str, str] = {
    "Assessment": "triage.engine",
    "RankedCause": "triage.engine",
    "answer_question": "triage.engine",
    "assess": "triage.engine",
    "Facts": "triage.facts",
    "AGE_QUESTION": "triage.interview",
    "ALL_QUESTIONS": "triage.interview",
    "Question": "triage.interview",
    "QuestionKind": "triage.interview",
    "Stage": "triage.interview",
    "RED_FLAG_FINDINGS": "triage.rules",
    "RuleId": "triage.rules",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'triage' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "AGE_QUESTION",
    "ALL_QUESTIONS",
    "FINDING_GROUPS",
    "RED_FLAG_FINDINGS",
    "AgeBand",
    "Answer",
    "Assessment",
    "CareLevel",
    "Condition",
    "Facts",
    "Finding",
    "Flag",
    "Question",
    "QuestionKind",
    "RankedCause",
    "RuleId",
    "Stage",
    "answer_question",
    "assess",
]
