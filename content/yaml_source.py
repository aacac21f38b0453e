"""YAML sources, read the one way the build and its tools read them: safe, with libyaml's loader
where PyYAML was built with it (several times faster), else the pure-Python one; both give the same
data. Build time and tools only: nothing the skill imports at run time reads YAML."""

from __future__ import annotations

from typing import IO, Any

import yaml

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(source: str | bytes | IO[str] | IO[bytes]) -> Any:
    """The data of one YAML document (``yaml.safe_load``, faster)."""
    return yaml.load(source, Loader=LOADER)  # a safe loader, C or Python
