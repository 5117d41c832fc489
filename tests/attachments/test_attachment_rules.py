"""The rules of ``attachment_from_path``/``_bytes`` and ``inline_image_from_path``/``_bytes``, as pure functions.

The shared rules (content type, base64, paths, names, Content-IDs) live once in ``_runtime/files.py``
and are tested once, through one package; the vendor rules (size limits, models, SMTP.com's
message/rfc822 ban) through that vendor's package.
"""

from __future__ import annotations

import base64
import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import paubox_client
import pytest
import sendclean_client
import smtpcom_client
from paubox_client import InvalidRequestError as PauboxInvalid
from sendclean_client import InvalidRequestError as SendCleanInvalid
from smtpcom_client import InvalidRequestError as SMTPcomInvalid

# Every byte value, so a lossy encoding (text decoding, line-end translation) cannot pass.
BINARY = bytes(range(256)) * 3
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
ATTACH_NAMES = ("attachment_from_bytes", "attachment_from_path")
INLINE_NAMES = ("inline_image_from_bytes", "inline_image_from_path")


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def sparse(path: Path, size: int) -> Path:
    """A file ``stat`` reports as ``size`` bytes, without writing them."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


def forbid_open(monkeypatch: pytest.MonkeyPatch, package: ModuleType) -> None:
    """Make the helpers' ``open`` fail loudly: a test passes only if the file is never opened."""
    files = importlib.import_module(f"{package.__name__}._runtime.files")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(files, "open", refuse, raising=False)


# ------------------------------------------------------------------------------ same names everywhere


@pytest.mark.parametrize(
    ("package", "inline"),
    [("paubox_client", False), ("smtpcom_client", True), ("sendclean_client", True), ("poweremail_client", True)],
)
def test_every_package_exports_the_same_helpers_and_inline_only_where_the_vendor_has_inline_images(
    package: str, inline: bool
) -> None:
    module = importlib.import_module(package)
    assert all(callable(getattr(module, name)) for name in ATTACH_NAMES)
    assert {name for name in INLINE_NAMES if name in module.__all__} == (set(INLINE_NAMES) if inline else set())


# ------------------------------------------------------------------------------ shared rules


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("results.pdf", "application/pdf"),
        ("NOTES.TXT", "text/plain"),
        ("scan.png", "image/png"),
        ("export.csv.gz", "application/gzip"),  # the bytes are the archive, not the CSV
        ("README", "application/octet-stream"),
        ("data.unknown-extension", "application/octet-stream"),
        ("data:x.png", "image/png"),  # not read as a data: URL
    ],
)
def test_content_type_is_guessed_from_the_file_name(filename: str, content_type: str) -> None:
    assert paubox_client.attachment_from_bytes(b"x", filename).content_type == content_type


def test_content_type_argument_overrides_the_guess(tmp_path: Path) -> None:
    path = write(tmp_path / "results.pdf", BINARY)
    attachment = paubox_client.attachment_from_path(path, content_type="Application/X-Lab-Report")
    assert attachment.content_type == "application/x-lab-report"


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", "pdf", "text/plain\r\nBcc: x@example.com", ""])
def test_a_malformed_content_type_is_refused(content_type: str) -> None:
    with pytest.raises(PauboxInvalid) as caught:
        paubox_client.attachment_from_bytes(b"x", "a.txt", content_type=content_type)
    assert caught.value.field == "content_type"


def test_content_is_the_files_bytes_base64_encoded_on_one_line(tmp_path: Path) -> None:
    attachment = paubox_client.attachment_from_path(write(tmp_path / "blob.bin", BINARY))
    assert "\n" not in attachment.content
    assert base64.b64decode(attachment.content, validate=True) == BINARY


def test_bytes_like_data_is_accepted() -> None:
    made = [
        paubox_client.attachment_from_bytes(data, "a.bin") for data in (BINARY, bytearray(BINARY), memoryview(BINARY))
    ]
    assert {base64.b64decode(a.content) for a in made} == {BINARY}


def test_the_file_name_is_the_files_own_name_unless_filename_is_given(tmp_path: Path) -> None:
    path = write(tmp_path / "scan-0042.pdf", BINARY)
    assert paubox_client.attachment_from_path(path).file_name == "scan-0042.pdf"
    renamed = paubox_client.attachment_from_path(str(path), filename="Lab results.txt")
    assert (renamed.file_name, renamed.content_type) == ("Lab results.txt", "text/plain")  # the guess follows the name


@pytest.mark.parametrize("filename", ["a.txt\r\nBcc: x@example.com", "", "  "])
def test_a_filename_that_is_empty_or_has_control_characters_is_refused(filename: str) -> None:
    with pytest.raises(PauboxInvalid) as caught:
        paubox_client.attachment_from_bytes(b"x", filename)
    assert caught.value.field == "filename"


def test_a_missing_file_raises_invalid_request_naming_path_but_not_the_path_itself(tmp_path: Path) -> None:
    path = tmp_path / "patient-jane-doe.pdf"
    with pytest.raises(PauboxInvalid) as caught:
        paubox_client.attachment_from_path(path)
    assert (caught.value.field, caught.value.problem) == ("path", "no such file")
    assert "jane" not in str(caught.value)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PauboxInvalid, match="directory") as caught:
        paubox_client.attachment_from_path(tmp_path)
    assert caught.value.field == "path"


def test_a_pipe_is_refused_without_blocking_on_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer
    with pytest.raises(PauboxInvalid, match="not a regular file") as caught:
        paubox_client.attachment_from_path(fifo)
    assert caught.value.field == "path"


def test_a_file_that_cannot_be_read_raises_invalid_request_not_oserror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "results.pdf", BINARY)
    files = importlib.import_module("paubox_client._runtime.files")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(files, "open", denied, raising=False)  # chmod does not stop root
    with pytest.raises(PauboxInvalid) as caught:
        paubox_client.attachment_from_path(path)
    assert (caught.value.field, caught.value.problem) == ("path", "cannot be read: permission denied")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("path", [b"/tmp/results.pdf", 42, "", "results\x00.pdf"])
def test_a_path_that_is_not_a_text_path_is_refused(path: object) -> None:
    with pytest.raises(PauboxInvalid) as caught:
        paubox_client.attachment_from_path(path)  # type: ignore[arg-type]
    assert caught.value.field == "path"


@pytest.mark.parametrize("source", ["path", "data"])
def test_an_empty_file_or_empty_bytes_is_refused(source: str, tmp_path: Path) -> None:
    with pytest.raises(PauboxInvalid, match="empty") as caught:
        if source == "path":
            paubox_client.attachment_from_path(write(tmp_path / "empty.txt", b""))
        else:
            paubox_client.attachment_from_bytes(b"", "empty.txt")
    assert caught.value.field == source


def test_text_data_is_refused_rather_than_guessing_an_encoding() -> None:
    with pytest.raises(PauboxInvalid, match="encode") as caught:
        paubox_client.attachment_from_bytes("Your results", "results.txt")  # type: ignore[arg-type]
    assert caught.value.field == "data"


# ------------------------------------------------------------------------------ inline images (shared)


def test_an_inline_image_must_have_an_image_type(tmp_path: Path) -> None:
    with pytest.raises(SendCleanInvalid, match="image/") as caught:
        sendclean_client.inline_image_from_path(write(tmp_path / "logo.pdf", BINARY))
    assert caught.value.field == "content_type"


def test_inline_image_bytes_take_their_type_from_the_content_id_or_content_type() -> None:
    assert sendclean_client.inline_image_from_bytes(PNG, "logo.png").type_ == "image/png"
    assert sendclean_client.inline_image_from_bytes(PNG, "logo", content_type="image/png").type_ == "image/png"
    with pytest.raises(SendCleanInvalid, match="content_type= sets it") as caught:
        sendclean_client.inline_image_from_bytes(PNG, "logo")  # nothing to guess from
    assert caught.value.field == "content_type"


@pytest.mark.parametrize(("given", "content_id"), [("logo@brand.example", "logo@brand.example"), ("<logo>", "logo")])
def test_a_content_id_is_kept_without_its_angle_brackets(given: str, content_id: str) -> None:
    assert sendclean_client.inline_image_from_bytes(PNG, given, content_type="image/png").name == content_id


@pytest.mark.parametrize("content_id", ["", "<>", "my logo", "lögo", "logo\r\nX-Evil: 1", "lo<go"])
def test_a_content_id_that_cannot_go_in_a_header_is_refused(content_id: str) -> None:
    with pytest.raises(SendCleanInvalid) as caught:
        sendclean_client.inline_image_from_bytes(PNG, content_id, content_type="image/png")
    assert caught.value.field == "content_id"


def test_an_inline_images_content_id_defaults_to_its_file_name(tmp_path: Path) -> None:
    assert sendclean_client.inline_image_from_path(write(tmp_path / "logo.png", PNG)).name == "logo.png"
    spaced = write(tmp_path / "brand logo.png", PNG)
    with pytest.raises(SendCleanInvalid, match="pass content_id=") as caught:
        sendclean_client.inline_image_from_path(spaced)
    assert caught.value.field == "content_id"
    assert sendclean_client.inline_image_from_path(spaced, content_id="logo").name == "logo"


# ------------------------------------------------------------------------------ vendor rules


def test_paubox_attachment_model(tmp_path: Path) -> None:
    attachment = paubox_client.attachment_from_path(write(tmp_path / "results.pdf", BINARY))
    assert attachment.to_dict() == {
        "fileName": "results.pdf",
        "contentType": "application/pdf",
        "content": base64.b64encode(BINARY).decode(),
    }


@pytest.mark.parametrize(("size", "accepted"), [(10_000_000, True), (10_000_001, False)])
def test_paubox_allows_10_mb_of_file_content(size: int, accepted: bool) -> None:
    """The stricter of Paubox's two documented limits (10 MB vs 50 MB per message), on the file's bytes."""
    assert paubox_client.MAX_ATTACHMENT_BYTES == 10_000_000
    data = bytes(size)
    if accepted:
        assert len(base64.b64decode(paubox_client.attachment_from_bytes(data, "scan.tiff").content)) == size
        return
    with pytest.raises(PauboxInvalid, match="10,000,000 bytes, MAX_ATTACHMENT_BYTES") as caught:
        paubox_client.attachment_from_bytes(data, "scan.tiff")
    assert caught.value.field == "data"


@pytest.mark.parametrize(("size", "accepted"), [(7_499_997, True), (7_499_998, False)])
def test_smtpcom_limit_applies_to_the_base64_size(size: int, accepted: bool) -> None:
    """7,499,997 bytes are 9,999,996 characters of base64; one byte more makes 10,000,000, which
    SMTP.com refuses (MAX_MESSAGE_BYTES or more)."""
    data = bytes(size)
    if accepted:
        attachment = smtpcom_client.attachment_from_bytes(data, "scan.tiff")
        assert len(attachment.content) == smtpcom_client.MAX_MESSAGE_BYTES - 4
        return
    with pytest.raises(SMTPcomInvalid, match=r"10,000,000 once base64-encoded.*MAX_MESSAGE_BYTES") as caught:
        smtpcom_client.attachment_from_bytes(data, "scan.tiff")
    assert caught.value.field == "data"


@pytest.mark.parametrize(
    ("package", "make", "size", "error"),
    [
        (paubox_client, paubox_client.attachment_from_path, 10_000_001, PauboxInvalid),
        (smtpcom_client, smtpcom_client.attachment_from_path, 7_499_998, SMTPcomInvalid),
        (smtpcom_client, smtpcom_client.inline_image_from_path, 7_499_998, SMTPcomInvalid),
    ],
    ids=["paubox", "smtpcom", "smtpcom-inline"],
)
def test_a_file_over_the_limit_is_refused_before_it_is_opened(
    package: ModuleType,
    make: Callable[[Path], object],
    size: int,
    error: type[PauboxInvalid] | type[SMTPcomInvalid],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = sparse(tmp_path / "scan.png", size)
    forbid_open(monkeypatch, package)
    with pytest.raises(error, match=f"{size:,} bytes") as caught:
        make(path)
    assert isinstance(caught.value, PauboxInvalid | SMTPcomInvalid) and caught.value.field == "path"


def test_the_platform_documents_no_size_limit_so_none_is_checked(tmp_path: Path) -> None:
    big = sparse(tmp_path / "archive.zip", 11_000_000)  # over both Paubox's and SMTP.com's limits
    assert len(base64.b64decode(sendclean_client.attachment_from_path(big).content)) == 11_000_000


def test_smtpcom_attachment_and_inline_image_models(tmp_path: Path) -> None:
    attachment = smtpcom_client.attachment_from_path(write(tmp_path / "invoice.pdf", BINARY))
    image = smtpcom_client.inline_image_from_bytes(PNG, "logo@shop.example", content_type="image/png")
    encoded, encoded_png = base64.b64encode(BINARY).decode(), base64.b64encode(PNG).decode()
    assert attachment.to_dict() == {
        "filename": "invoice.pdf",
        "content": encoded,
        "type": "application/pdf",
        "disposition": "attachment",
        "encoding": "base64",
    }
    assert image.to_dict() == {
        "filename": "logo@shop.example",
        "content": encoded_png,
        "type": "image/png",
        "disposition": "inline",
        "cid": "logo@shop.example",
        "encoding": "base64",
    }


def test_smtpcom_refuses_message_rfc822_which_eml_files_are_guessed_as(tmp_path: Path) -> None:
    path = write(tmp_path / "forwarded.eml", b"Subject: hi\r\n\r\nhello\r\n")
    with pytest.raises(SMTPcomInvalid, match="message/rfc822") as caught:
        smtpcom_client.attachment_from_path(path)
    assert caught.value.field == "content_type"
    assert smtpcom_client.attachment_from_path(path, content_type="application/octet-stream").type_ == (
        "application/octet-stream"
    )


def test_platform_attachment_and_inline_image_models(tmp_path: Path) -> None:
    attachment = sendclean_client.attachment_from_path(write(tmp_path / "invoice.pdf", BINARY))
    image = sendclean_client.inline_image_from_path(write(tmp_path / "logo.png", PNG), content_id="brand-logo")
    assert attachment.to_dict() == {
        "type": "application/pdf",
        "name": "invoice.pdf",
        "content": base64.b64encode(BINARY).decode(),
    }
    assert image.to_dict() == {"type": "image/png", "name": "brand-logo", "content": base64.b64encode(PNG).decode()}
