"""Digests of source code, so stored results are recomputed when the code behind them changes.

A day store depends on how log files are read and records mapped; a query result on its rules
and post-processing. Hashing the source of those modules makes any edit, even a bug fix that
keeps every name, invalidate what was computed with the old code.
"""

import hashlib
import importlib
from functools import cache
from pathlib import Path


@cache
def source_digest(*modules: str) -> str:
    """A short hash of the source files of `modules` (dotted names; packages: every `.py`)."""
    digest = hashlib.sha256()
    for name in sorted(modules):
        module = importlib.import_module(name)
        path = Path(module.__file__ or "")
        files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
        for file in files:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]
