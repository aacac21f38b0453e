"""The minimal skill over HTTP: Flask + flask-ask-sdk's ``SkillAdapter``, for ``wrk`` in the benchmark.

Run from this folder: ``gunicorn --chdir bench/minimal_skill app:app``. The repository root is
appended to ``sys.path`` (after this folder, so ``lambda_function`` is the minimal one) for
``webapp.ask_compat``, which makes flask-ask-sdk importable on this OpenSSL.

Request signature verification is OFF here, as it is for Knee Helper in the benchmark (both still
check the timestamp and the skill id): the comparison is of the skills, not of the verifiers.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.append(_ROOT)

from flask import Flask  # noqa: E402

from webapp.ask_compat import load_skill_adapter  # noqa: E402

SkillAdapter = load_skill_adapter()
#: The minimal skill's lambda_function (this folder comes first on sys.path, not the repository's).
lambda_function = importlib.import_module("lambda_function")

app = Flask("minimal_skill")
app.config["ASK_SDK_VERIFY_SIGNATURE"] = False
app.config["ASK_SDK_VERIFY_TIMESTAMP"] = True  # Knee Helper checks it too
_adapter = SkillAdapter(skill=lambda_function.sb.create(), skill_id=lambda_function.sb.skill_id, app=app)
_adapter.register(app=app, route="/")
