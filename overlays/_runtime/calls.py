"""What an overlay call hands the base client, and what a send gives back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from attrs import define, field

from .decode import Reply

T = TypeVar("T")
R = TypeVar("R")


@define(frozen=True, slots=True)
class Call(Generic[T]):
    """One request, ready to send: the generated ``_get_kwargs`` (the spec decides method, path,
    query and body), how to decode its answer, and whether it delivers a message (then it is never
    repeated once it may have reached the server, and an unreadable 2xx says it was probably sent)."""

    request: Mapping[str, Any]
    decode: Callable[[Reply], T]
    delivers: bool = False


@define(frozen=True)
class SentMessage(Generic[R]):
    """An accepted message: ``id`` is the vendor's id for it, a plain ``str`` (the decoder raises
    ``ResponseParseError`` rather than return a send without one); ``response`` is the vendor's
    whole answer, parsed into its spec model."""

    id: str
    response: R = field(repr=False)
