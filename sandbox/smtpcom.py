"""SMTP.com API v4 under `/smtpcom`: POST /v4/messages, POST /v4/messages/mime, GET /v4/messages.

Auth: `?api_key=`, `X-SMTPCOM-API: <key>`, Basic `api:<key>` or `Bearer <key>` (specs/smtpcom.yaml).
Errors are JSend: 400 `{"status":"fail","data":{<field>: <message>}}`, 401 `data.api_key = "invalid"`,
404 `data.error = "sender not found"` for a channel the account does not have.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import quopri
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC
from email.message import Message
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .checks import BadJson, decode_base64, header_problem, is_email, parse_json
from .mime import BodyPart, FilePart, MimeError, build_message, decoded, read_headers
from .state import SandboxState
from .store import Recipient, StoredMessage
from .web import json_response, rfc2822

VENDOR = "smtpcom"
INVALID_KEY = {"status": "fail", "data": {"api_key": "invalid"}}
SENDER_NOT_FOUND = {"status": "fail", "data": {"error": "sender not found"}}
_EVENTS = ("accepted", "delivered", "failed")
_PART_CTES = {"7bit", "8bit", "quoted-printable", "base64"}
_ATTACHMENT_ENCODINGS = {"base64", "quoted-printable", "7bit", "8bit", "binary"}
_MANAGED_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}
_NUMBER = re.compile(r"^\d+(\.\d+)?$")

Errors = dict[str, str]


def fail(errors: Errors) -> Response:
    return json_response({"status": "fail", "data": errors}, 400)


@dataclass(slots=True)
class _Envelope:
    to: list[tuple[str, str]]
    cc: list[tuple[str, str]]
    bcc: list[tuple[str, str]]
    bulk: list[tuple[str, str]]
    sender: tuple[str, str] | None
    reply_to: tuple[str, str] | None


def parse_time(value: str) -> float | None:
    """RFC 2822 date or UNIX epoch seconds -> epoch seconds; None when neither."""
    value = value.strip()
    if _NUMBER.match(value):
        return float(value)
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def api_keys_from(request: Request) -> list[str]:
    """Every API key the request presents, in any of the accepted places."""
    keys = []
    if query_key := request.query_params.get("api_key"):
        keys.append(query_key)
    if header_key := request.headers.get("x-smtpcom-api"):
        keys.append(header_key.strip())
    scheme, _, rest = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(rest.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, ValueError):
            user = password = ""
        if user == "api" and password:
            keys.append(password)
    elif scheme.lower() == "bearer" and rest.strip():
        keys.append(rest.strip())
    return keys


class SmtpcomApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.routes: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {
            "/v4/messages": {"GET": self.list_messages, "POST": self.send_message},
            "/v4/messages/mime": {"POST": self.send_mime},
        }

    async def dispatch(self, request: Request) -> Response:
        api_path = "/" + request.path_params["api_path"]
        methods = self.routes.get(api_path)
        if methods is None:
            return json_response({"status": "fail", "data": {"url": f"{api_path} not found"}}, 404)
        handler = methods.get(request.method)
        if handler is None:
            return json_response(
                {"status": "fail", "data": {"method": f"{request.method} not allowed"}},
                405,
                {"Allow": ", ".join(methods)},
            )
        valid = self.state.config.smtpcom_api_keys
        if not any(key in valid for key in api_keys_from(request)):
            return json_response(INVALID_KEY, 401)
        return await handler(request)

    # ---------------------------------------------------------------------------- validation
    def _address(self, value: Any, where: str, errors: Errors) -> tuple[str, str] | None:
        if not isinstance(value, dict):
            errors[where] = "must be an object with an address"
            return None
        address, name = value.get("address"), value.get("name")
        if address is None:
            errors[f"{where}.address"] = "must be provided"
        elif not isinstance(address, str) or not is_email(address):
            errors[f"{where}.address"] = "is not a valid email address"
        if name is not None and (not isinstance(name, str) or header_problem("X", name)):
            errors[f"{where}.name"] = "is not a valid RFC 2822 name"
        if f"{where}.address" in errors or f"{where}.name" in errors:
            return None
        return (name or "", address) if isinstance(address, str) else None

    def _envelope(self, body: dict[str, Any], errors: Errors, *, originator_required: bool) -> _Envelope:
        lists: dict[str, list[tuple[str, str]]] = {"to": [], "cc": [], "bcc": [], "bulk_list": []}
        recipients = body.get("recipients")
        if recipients is None:
            errors["recipients"] = "must be provided"
        elif not isinstance(recipients, dict):
            errors["recipients"] = "must be an object"
        else:
            for kind in lists:
                value = recipients.get(kind)
                if value is None:
                    continue
                if not isinstance(value, list):
                    errors[f"recipients.{kind}"] = "must be an array of address objects"
                    continue
                for index, item in enumerate(value):
                    parsed = self._address(item, f"recipients.{kind}[{index}]", errors)
                    if parsed:
                        lists[kind].append(parsed)
            given = sum(len(recipients.get(k) or ()) for k in lists if isinstance(recipients.get(k), list))
            if given == 0 and not any(k.startswith("recipients.") for k in errors):
                errors["recipients"] = "at least one of to, cc, bcc or bulk_list must be given"
            if lists["bulk_list"] and (lists["to"] or lists["cc"] or lists["bcc"]):
                errors["recipients.bulk_list"] = "cannot be combined with to, cc or bcc"
            if given > 1000:
                errors["recipients"] = "at most 1000 recipients are allowed per request"

        sender = reply_to = None
        originator = body.get("originator")
        if originator is None:
            if originator_required:
                errors["originator"] = "must be provided"
        elif not isinstance(originator, dict):
            errors["originator"] = "must be an object"
        else:
            if originator.get("from") is not None:
                sender = self._address(originator["from"], "originator.from", errors)
            if originator.get("reply_to") is not None:
                reply_to = self._address(originator["reply_to"], "originator.reply_to", errors)
            if originator.get("from") is None and originator.get("reply_to") is None:
                errors["originator"] = "at least one of from or reply_to must be specified"
        return _Envelope(lists["to"], lists["cc"], lists["bcc"], lists["bulk_list"], sender, reply_to)

    def _channel(self, body: dict[str, Any], errors: Errors) -> str:
        channel = body.get("channel")
        if channel is None:
            errors["channel"] = "must be provided"
        elif not isinstance(channel, str):
            errors["channel"] = "must be a string"
        elif not channel.strip():
            errors["channel"] = "could not be blank"
        else:
            return channel
        return ""

    def _custom_headers(self, body: dict[str, Any], errors: Errors) -> list[tuple[str, str]]:
        raw = body.get("custom_headers")
        if raw is None:
            return []
        if not isinstance(raw, dict):
            errors["custom_headers"] = "must be an object"
            return []
        out: list[tuple[str, str]] = []
        for name, value in raw.items():
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) for v in values):
                errors[f"custom_headers.{name}"] = "must be a string or an array of strings"
                continue
            if name.lower() in _MANAGED_HEADERS:
                errors[f"custom_headers.{name}"] = "is set by the service and cannot be overridden"
                continue
            issue = next((p for p in (header_problem(name, v) for v in values) if p), None)
            if issue:
                errors[f"custom_headers.{name}"] = issue
                continue
            out.extend((name, v) for v in values)
        return out

    def _body(self, body: dict[str, Any], errors: Errors) -> tuple[list[BodyPart], list[FilePart]]:
        parts: list[BodyPart] = []
        files: list[FilePart] = []
        content = body.get("body")
        if content is None:  # WP Mail SMTP leaves `body` out when there is no content: an empty message
            return parts, files
        if not isinstance(content, dict):
            errors["body"] = "must be an object"
            return parts, files
        raw_parts = content.get("parts")
        raw_files = content.get("attachments")
        if raw_parts is None and isinstance(raw_files, list) and raw_files:
            pass  # attachments alone, as SMTP.com's own Python library sends them
        elif not isinstance(raw_parts, list) or not raw_parts:
            errors["body.parts"] = "must contain at least one part (or give attachments)"
        else:
            for index, part in enumerate(raw_parts):
                where = f"body.parts[{index}]"
                if not isinstance(part, dict):
                    errors[where] = "must be an object"
                    continue
                ok = True
                if not isinstance(part.get("content"), str):
                    errors[f"{where}.content"] = (
                        "must be provided" if part.get("content") is None else "must be a string"
                    )
                    ok = False
                for key in ("type", "charset", "encoding", "version"):
                    if part.get(key) is not None and not isinstance(part.get(key), str):
                        errors[f"{where}.{key}"] = "must be a string"
                        ok = False
                if not ok:
                    continue
                # The vendor defaults a missing type (to "plain/text", sic); the sandbox uses text/plain.
                part_type = part.get("type") or "text/plain"
                if part_type.strip().lower() == "message/rfc822":
                    errors[f"{where}.type"] = "message/rfc822 is prohibited"
                    continue
                encoding = (part.get("encoding") or "base64").lower()
                if encoding not in _PART_CTES:
                    errors[f"{where}.encoding"] = f"must be one of {', '.join(sorted(_PART_CTES))}"
                    continue
                parts.append(BodyPart(part_type, part["content"], part.get("charset"), encoding))
        if raw_files is not None and not isinstance(raw_files, list):
            errors["body.attachments"] = "must be an array"
        for index, item in enumerate(raw_files if isinstance(raw_files, list) else []):
            where = f"body.attachments[{index}]"
            if not isinstance(item, dict):
                errors[where] = "must be an object"
                continue
            filename, data_text = item.get("filename"), item.get("content")
            if not isinstance(filename, str) or not filename:
                errors[f"{where}.filename"] = "must be provided"
            if not isinstance(data_text, str):
                errors[f"{where}.content"] = "must be provided"
            disposition = item.get("disposition") or "attachment"
            if disposition not in ("inline", "attachment"):
                errors[f"{where}.disposition"] = "must be one of inline, attachment"
            encoding = item.get("encoding")
            if encoding is not None and (
                not isinstance(encoding, str) or encoding.lower() not in _ATTACHMENT_ENCODINGS
            ):
                errors[f"{where}.encoding"] = f"must be one of {', '.join(sorted(_ATTACHMENT_ENCODINGS))}"
                continue
            for key in ("type", "cid", "version"):
                if item.get(key) is not None and not isinstance(item.get(key), str):
                    errors[f"{where}.{key}"] = "must be a string"
            if (
                any(k.startswith(where) for k in errors)
                or not isinstance(data_text, str)
                or not isinstance(filename, str)
            ):
                continue
            data: bytes | None
            if encoding and encoding.lower() == "base64":
                data = decode_base64(data_text)
            elif encoding and encoding.lower() == "quoted-printable":
                data = quopri.decodestring(data_text.encode("utf-8"))
            else:
                data = data_text.encode("utf-8")
            if data is None:
                errors[f"{where}.content"] = "is not valid base64"
                continue
            files.append(
                FilePart(
                    filename,
                    item.get("type") or "application/octet-stream",
                    data,
                    inline=disposition == "inline",
                    cid=item.get("cid") or filename,
                )
            )
        return parts, files

    @staticmethod
    def _smtp_vars(headers: list[tuple[str, str]]) -> dict[str, Any]:
        for name, value in headers:
            if name.lower() == "x-smtpapi":
                try:
                    args = json.loads(value).get("unique_args")
                except (ValueError, AttributeError):
                    return {}
                return args if isinstance(args, dict) else {}
        return {}

    def _accepted(self, msg_id: str) -> Response:
        style = self.state.config.smtpcom_response_style
        data: dict[str, str] = {}
        if style in ("observed", "both"):
            data["message"] = f"accepted, msg_id: {msg_id}"
        if style in ("documented", "both"):
            data["msg_id"] = msg_id
        return json_response({"status": "success", "data": data})

    def _store(
        self,
        msg_id: str,
        source_for: Callable[[list[tuple[str, str]]], Message | bytes],
        envelope: _Envelope,
        channel: str,
        operation: str,
        smtp_vars: dict[str, Any],
        subject: str | None,
        attachment_bytes: int = 0,
    ) -> None:
        """Store one message, or one per address for `bulk_list`. `source_for(to)` renders the MIME."""
        now = time.time()
        sender = envelope.sender or envelope.reply_to
        groups: list[tuple[list[tuple[str, str]], list[Recipient]]]
        if envelope.bulk:
            groups = [([entry], [Recipient(entry[1], entry[0], "to")]) for entry in envelope.bulk]
        else:
            recipients = (
                [Recipient(a, n, "to") for n, a in envelope.to]
                + [Recipient(a, n, "cc") for n, a in envelope.cc]
                + [Recipient(a, n, "bcc") for n, a in envelope.bcc]
            )
            groups = [(envelope.to, recipients)]
        rendered = [(source_for(to), recipients) for to, recipients in groups]  # may raise MimeError: store nothing
        for source, recipients in rendered:
            self.state.store.add_message(
                StoredMessage(
                    seq=self.state.store.new_seq(),
                    vendor=VENDOR,
                    id=msg_id,
                    created_at=now,
                    source=source,
                    envelope_from=sender[1] if sender else "",
                    recipients=tuple(recipients),
                    subject=subject,
                    meta={"channel": channel, "smtp_vars": smtp_vars, "operation": operation},
                    attachment_bytes=attachment_bytes,
                )
            )

    # ------------------------------------------------------------------------------ handlers
    async def _json_object(self, request: Request) -> dict[str, Any] | Response:
        try:
            body = parse_json(await request.body())
        except BadJson as exc:
            return fail({"body": str(exc)})
        if not isinstance(body, dict):
            return fail({"body": "must be a JSON object"})
        return body

    async def send_message(self, request: Request) -> Response:
        body = await self._json_object(request)
        if isinstance(body, Response):
            return body
        errors: Errors = {}
        channel = self._channel(body, errors)
        envelope = self._envelope(body, errors, originator_required=True)
        headers = self._custom_headers(body, errors)
        subject = body.get("subject")
        if subject is not None and not isinstance(subject, str):
            errors["subject"] = "must be a string"
        elif isinstance(subject, str) and len(subject) > 998:
            errors["subject"] = "is too long (maximum is 998 characters)"
        parts, files = self._body(body, errors)
        if errors:
            return fail(errors)
        if channel not in self.state.config.smtpcom_channels:
            return json_response(SENDER_NOT_FOUND, 404)
        msg_id = str(uuid.uuid4())
        one_line_subject = " ".join(subject.splitlines()) if isinstance(subject, str) else None

        def mime_for(to: list[tuple[str, str]]) -> Message:
            return build_message(
                sender=envelope.sender,
                to=to,
                cc=[] if envelope.bulk else envelope.cc,
                reply_to=envelope.reply_to,
                subject=one_line_subject,
                parts=parts,
                headers=headers,
                files=files,
                message_id=f"<{msg_id}@smtp.com>",
            )

        smtp_vars = self._smtp_vars(headers)
        size = sum(len(f.data) for f in files)
        try:
            self._store(msg_id, mime_for, envelope, channel, "send", smtp_vars, one_line_subject, size)
        except MimeError as exc:
            return fail({"body": f"cannot be rendered: {exc}"})
        return self._accepted(msg_id)

    async def send_mime(self, request: Request) -> Response:
        body = await self._json_object(request)
        if isinstance(body, Response):
            return body
        errors: Errors = {}
        mime_text = body.get("mime")
        if mime_text is None:
            errors["mime"] = "must be provided"
        elif not isinstance(mime_text, str) or not mime_text.strip():
            errors["mime"] = "must be a non-empty string"
        channel = self._channel(body, errors)
        envelope = self._envelope(body, errors, originator_required=False)
        if errors:
            return fail(errors)
        if channel not in self.state.config.smtpcom_channels:
            return json_response(SENDER_NOT_FOUND, 404)
        raw = str(mime_text).encode("utf-8", "surrogateescape")
        try:
            head = read_headers(raw)
        except (ValueError, TypeError, LookupError) as exc:
            return fail({"mime": f"could not be parsed: {exc}"})
        msg_id = str(uuid.uuid4())
        if envelope.sender is None and head.get("From"):
            name, address = email.utils.parseaddr(decoded(head["From"]))
            envelope.sender = (name, address) if is_email(address) else None
        smtp_vars = self._smtp_vars([(k, decoded(v)) for k, v in head.items()])
        subject = decoded(head["Subject"]) if head.get("Subject") is not None else None
        self._store(msg_id, lambda _to: raw, envelope, channel, "mime", smtp_vars, subject)
        return self._accepted(msg_id)

    async def list_messages(self, request: Request) -> Response:
        query = request.query_params
        errors: Errors = {}
        start = end = None
        if not query.get("start"):
            errors["start"] = "could not be blank"
        elif (start := parse_time(query["start"])) is None:
            errors["start"] = "is not a valid RFC 2822 or UNIX epoch time"
        if query.get("end") and (end := parse_time(query["end"])) is None:
            errors["end"] = "is not a valid RFC 2822 or UNIX epoch time"
        limit = self._int_param(query.get("limit"), "limit", 1, 1000, errors)
        offset = self._int_param(query.get("offset"), "offset", 0, None, errors)
        channel = query.get("channel")
        if not channel:
            errors["channel"] = "must be provided"
        events = query.getlist("event")
        bad = [e for e in events if e not in _EVENTS]
        if bad:
            errors["event"] = f"must be one of {', '.join(_EVENTS)}"
        if errors:
            return fail(errors)
        if channel not in self.state.config.smtpcom_channels:
            return json_response(SENDER_NOT_FOUND, 404)
        assert start is not None and limit is not None and offset is not None
        now = time.time()
        end_time = now if end is None else end
        msg_id = query.get("msg_id")

        def selected(m: StoredMessage) -> bool:
            return (
                m.meta.get("channel") == channel
                and start <= m.created_at <= end_time + 0.999
                and (msg_id is None or m.id == msg_id)
            )

        items = []
        for message in sorted(self.state.store.select(VENDOR, selected), key=lambda m: (m.created_at, m.seq)):
            for recipient in message.recipients:
                item = self._item(message, recipient, now)
                if not events or "accepted" in events or item["details"]["delivery"]["event"] in events:
                    items.append(item)
        return json_response({"status": "success", "data": {"items": items[offset : offset + limit]}})

    @staticmethod
    def _int_param(raw: str | None, name: str, low: int, high: int | None, errors: Errors) -> int | None:
        if raw is None or raw == "":
            errors[name] = "must be provided"
            return None
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            errors[name] = f"must be an integer between {low} and {high}" if high else f"must be an integer >= {low}"
            return None
        return value

    def _item(self, message: StoredMessage, recipient: Recipient, now: float) -> dict[str, Any]:
        config = self.state.config
        finished_at = message.created_at + config.smtpcom_delivery_delay_ms / 1000
        delivery: dict[str, Any]
        if now < finished_at:
            delivery = {"retries": 0, "event": "queued"}
        elif recipient.address.lower().startswith(config.bounce_prefix):
            delivery = {
                "finished": rfc2822(finished_at),
                "retries": 0,
                "event": "failed",
                "code": "550",
                "status": f"5.1.1 <{recipient.address}>: Recipient address rejected: User unknown",
            }
        else:
            delivery = {
                "finished": rfc2822(finished_at),
                "retries": 0,
                "event": "delivered",
                "code": "250",
                "status": f"OK id={message.id.split('-')[0]}",
            }
        return {
            "msg_id": message.id,
            "msg_time": rfc2822(message.created_at),
            "channel": message.meta["channel"],
            "smtp_vars": message.meta["smtp_vars"],
            "msg_data": {"rcpt_to": recipient.address, "from": message.envelope_from, "subject": message.subject or ""},
            "details": {
                "delivery": delivery,
                "opens": {"items": []},
                "clicks": {"items": []},
                "abuse": {"complaints": []},
                "unsubs": {"items": []},
            },
        }
