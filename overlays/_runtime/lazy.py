"""Lazy package exports: ``import vendor_client`` stays as cheap as ``import httpx``.

A package ``__init__`` lists its public names twice: once under ``if TYPE_CHECKING:`` as real
imports (so mypy, pyright and IDEs see every name and type), and once in a table handed to
``lazy_exports``, which loads the defining module on first attribute access. The table maps each
public name to ``(relative module, attribute)``, so an alias (``PauboxError`` for ``ClientError``)
is one entry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, table: Mapping[str, tuple[str, str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``."""

    def __getattr__(name: str) -> Any:
        where = table.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = where
        value = getattr(importlib.import_module(module, package), attribute)
        globals_of_package = importlib.import_module(package).__dict__
        globals_of_package[name] = value  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted({*table, *importlib.import_module(package).__dict__})

    return __getattr__, __dir__
