"""Import ``flask_ask_sdk.skill_adapter`` on machines whose OpenSSL version oscrypto cannot parse.

Why this exists: ``flask_ask_sdk.skill_adapter`` imports ``ask_sdk_webservice_support.verifier``,
which imports ``certvalidator`` at module top, which imports ``oscrypto``. oscrypto 1.3.0 (the
latest release on PyPI) reads the OpenSSL version with a regex that only accepts one-digit
patch numbers, so on OpenSSL >= 3.0.10 (here 3.0.19) it raises ``LibraryNotFoundError("Error
detecting the version of libcrypto")`` and the SDK cannot even be imported
(wbond/oscrypto#75, fixed on master by d5f3437 but never released: #78, #81).

The fix, without patching site-packages or installing unofficial oscrypto re-uploads:

1. try the normal import;
2. only if it fails with exactly that oscrypto error, drop the half-imported modules of the
   chain (``flask_ask_sdk``, ``ask_sdk_webservice_support``, ``certvalidator``, ``oscrypto``)
   from ``sys.modules``;
3. put a *fail-closed* stub ``certvalidator`` (and ``certvalidator.errors``) into
   ``sys.modules``: it defines the names the SDK imports, and any use of them raises;
4. import again.

The SDK's certvalidator-based ``RequestVerifier`` is then unusable by design, so the web app
turns it off (``ASK_SDK_VERIFY_SIGNATURE=False``) and passes its own verifier
(:mod:`webapp.verification`, built on ``cryptography.x509.verification``). If anything still
reached the stub, it raises, so a request can never be accepted through it.

A test (``tests/webapp/test_webapp_ask_compat.py``) turns red as soon as the plain upstream
import works again: then delete this module and import ``SkillAdapter`` directly.
"""

from __future__ import annotations

import functools
import importlib
import sys
import types
from typing import Any, NoReturn

__all__ = ["load_skill_adapter", "shim_was_needed"]

_CHAIN_PREFIXES = ("flask_ask_sdk", "ask_sdk_webservice_support", "certvalidator", "oscrypto")
_OSCRYPTO_VERSION_MESSAGE = "Error detecting the version of libcrypto"
_STUB_MARKER = "__knee_helper_fail_closed_stub__"
_STUB_MESSAGE = (
    "certvalidator is replaced by a fail-closed stub (oscrypto cannot read this OpenSSL version); "
    "use webapp.verification instead"
)


def load_skill_adapter() -> type[Any]:
    """Return ``flask_ask_sdk.skill_adapter.SkillAdapter``, installing the stub only if needed."""
    return _load()


def shim_was_needed() -> bool:
    """Whether the fail-closed ``certvalidator`` stub had to be installed in this process."""
    _load()
    return getattr(sys.modules.get("certvalidator"), _STUB_MARKER, False) is True


@functools.cache
def _load() -> type[Any]:
    try:
        module = importlib.import_module("flask_ask_sdk.skill_adapter")
    except Exception as error:
        if not _is_oscrypto_version_error(error):
            raise
        _forget_chain_modules()
        _install_certvalidator_stub()
        module = importlib.import_module("flask_ask_sdk.skill_adapter")
    adapter: type[Any] = module.SkillAdapter
    return adapter


def _is_oscrypto_version_error(error: BaseException) -> bool:
    kind = type(error)
    return (
        kind.__name__ == "LibraryNotFoundError"
        and kind.__module__.startswith("oscrypto")
        and _OSCRYPTO_VERSION_MESSAGE in str(error)
    )


def _forget_chain_modules() -> None:
    for name in list(sys.modules):
        if name.split(".", 1)[0] in _CHAIN_PREFIXES:
            del sys.modules[name]


def _refuse(*_args: object, **_kwargs: object) -> NoReturn:
    raise RuntimeError(_STUB_MESSAGE)


class _StubValidationError(Exception):
    """Stand-in for ``certvalidator.errors.ValidationError`` (only ever caught, never raised)."""


class _StubPathError(Exception):
    """Stand-in for ``certvalidator.errors.PathError`` (only ever caught, never raised)."""


class _RefusingCertificateValidator:
    """Stand-in for ``certvalidator.CertificateValidator``: constructing it raises."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        _refuse()


def _module_getattr(name: str) -> NoReturn:
    raise AttributeError(f"{name!r}: {_STUB_MESSAGE}")


def _install_certvalidator_stub() -> None:
    package = types.ModuleType("certvalidator", _STUB_MESSAGE)
    errors = types.ModuleType("certvalidator.errors", _STUB_MESSAGE)
    errors.ValidationError = _StubValidationError  # type: ignore[attr-defined]
    errors.PathError = _StubPathError  # type: ignore[attr-defined]
    errors.__getattr__ = _module_getattr  # type: ignore[method-assign]
    package.CertificateValidator = _RefusingCertificateValidator  # type: ignore[attr-defined]
    package.ValidationContext = _RefusingCertificateValidator  # type: ignore[attr-defined]
    package.errors = errors  # type: ignore[attr-defined]
    package.__getattr__ = _module_getattr  # type: ignore[method-assign]
    package.__path__ = []  # a package, so ``import certvalidator.errors`` resolves from sys.modules
    for module in (package, errors):
        setattr(module, _STUB_MARKER, True)
        sys.modules[module.__name__] = module
