"""Lazy package exports: ``import vendor_client`` stays as cheap as ``import httpx``.

Each layer of a package lists its public names once, in its ``_exports.py``; scripts/generate.py
writes the package ``__init__`` from those lists: real imports under ``if TYPE_CHECKING:`` (so
mypy, pyright and IDEs see every name and type), ``__all__``, and the table handed to
``lazy_exports``, which loads the defining module on first attribute access.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str,
    sources: Mapping[str, tuple[str, ...]],
    aliases: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``.

    ``sources`` maps a relative module to the names it provides; ``aliases`` maps an extra public
    name to ``(relative module, attribute)`` (``PauboxError`` -> ``ClientError``).
    """
    table = {name: (module, name) for module, names in sources.items() for name in names}
    table.update(aliases or {})

    def __getattr__(name: str) -> Any:
        where = table.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = where
        value = getattr(importlib.import_module(module, package), attribute)
        importlib.import_module(package).__dict__[name] = value  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted({*table, *importlib.import_module(package).__dict__})

    return __getattr__, __dir__
