"""Results of ``send_bulk``: which messages Paubox accepted, and which chunks failed."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import define, field

from ._runtime.errors import AuthenticationError, ClientError

ChunkOutcome = list[str | ClientError] | ClientError | None
"""Per chunk of a ``send_bulk``: per-message outcomes, the error that failed the whole chunk, or
None when the chunk was never attempted (an authentication failure stopped the batch)."""


@define(frozen=True)
class BulkChunkFailure:
    """Messages ``start`` to ``stop - 1`` (input positions) were not accepted, because of ``error``.

    ``sent`` is False when the chunk was never attempted (an earlier chunk failed authentication).
    """

    start: int
    stop: int
    error: ClientError
    sent: bool = True


@define(frozen=True)
class BulkSendResult:
    """``tracking_ids[i]`` is the ``sourceTrackingId`` of input message ``i``, or None if it was not accepted."""

    tracking_ids: list[str | None]
    failures: list[BulkChunkFailure] = field(factory=lambda: list[BulkChunkFailure]())

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def accepted(self) -> list[int]:
        """Input positions of the messages Paubox accepted."""
        return [i for i, tracking_id in enumerate(self.tracking_ids) if tracking_id is not None]


class BulkSendError(ClientError):
    """Some chunks of a ``send_bulk`` failed. ``result`` still lists every accepted message."""

    def __init__(self, result: BulkSendResult) -> None:
        failed = sum(f.stop - f.start for f in result.failures)
        first = result.failures[0]
        super().__init__(
            f"{failed} of {len(result.tracking_ids)} messages were not accepted in {len(result.failures)} chunk(s); "
            f"first failure (messages {first.start}-{first.stop - 1}): {first.error}"
        )
        self.result = result


def chunk_bounds(total: int, size: int) -> list[tuple[int, int]]:
    if size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {size}")
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def collect(bounds: Sequence[tuple[int, int]], outcomes: Sequence[ChunkOutcome], total: int) -> BulkSendResult:
    """Merge per-chunk outcomes into one result, keeping every accepted id."""
    tracking_ids: list[str | None] = [None] * total
    failures: list[BulkChunkFailure] = []
    # Chunks run concurrently, so they are not decided in input order: find the stopping error first.
    stopped_by = next((o for o in outcomes if isinstance(o, AuthenticationError)), None)
    for (start, stop), outcome in zip(bounds, outcomes, strict=True):
        if outcome is None:
            assert stopped_by is not None, "a chunk is skipped only after an authentication failure"
            failures.append(BulkChunkFailure(start, stop, stopped_by, sent=False))
        elif isinstance(outcome, ClientError):
            failures.append(BulkChunkFailure(start, stop, outcome))
        else:
            for index, item in enumerate(outcome, start):
                if isinstance(item, str):
                    tracking_ids[index] = item
                else:
                    failures.append(BulkChunkFailure(index, index + 1, item))
    return BulkSendResult(tracking_ids, sorted(failures, key=lambda f: f.start))
