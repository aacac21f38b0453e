"""Knee Helper triage core: facts in, assessment out. Pure standard-library Python.

Everything is imported at once: the skill needs the engine on its first request anyway, so loading
it later would only move the cost from the import into the request a user waits for.
"""

from __future__ import annotations

from triage.engine import Assessment, RankedCause, answer_question, assess
from triage.facts import Facts
from triage.interview import AGE_QUESTION, ALL_QUESTIONS, Question, QuestionKind, Stage
from triage.rules import RED_FLAG_FINDINGS, RuleId
from triage.vocabulary import (
    FINDING_GROUPS,
    AgeBand,
    Answer,
    CareLevel,
    Condition,
    Finding,
    Flag,
)

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
