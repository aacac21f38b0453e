"""Local Flask server for Knee Helper: flask-ask-sdk ``SkillAdapter`` plus request verification.

Importing the package first makes ``flask_ask_sdk`` importable on this machine
(:mod:`webapp.ask_compat`), before any module here imports ``ask_sdk_webservice_support``.
"""

from webapp.ask_compat import load_skill_adapter

load_skill_adapter()
