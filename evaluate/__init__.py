"""The evaluation harness (``make evaluate``): golden vignettes played as simulated patients.

Every vignette in ``tests/golden/triage/vignettes.yaml`` is played through the real
``lambda_function.lambda_handler`` by a patient who hears only what a device hears (speech, card,
reprompt, directives) and answers the skill's spoken questions from the vignette's facts by
keywords. The care level and causes are read back from what the skill says, cross-checked with
``triage.assess`` on the vignette facts, and scored against floors (issue 13) and conversation
targets (issue 14). See ``evaluate/README.md``.
"""
