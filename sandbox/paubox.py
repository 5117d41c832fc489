"""Paubox Email API v1 under `/paubox/v1/email` (the gateway) and `/paubox/v1/{api_username}` (legacy).

POST /messages, POST /bulk_messages, GET /message_receipt (specs/paubox.yaml).
Auth: `Authorization: Token token=<key>` (or `Bearer <key>`). On the gateway the key alone names
the account; on the legacy path the key must belong to the username in the path. Otherwise 401
`invalid_access_token`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .checks import (
    BadJson,
    Problem,
    decode_base64,
    header_problem,
    looks_like_base64_html,
    parse_json,
    parse_mailbox,
)
from .mime import BodyPart, FilePart, MimeError, build_message
from .state import SandboxState
from .store import Recipient, StoredMessage
from .web import json_response, rfc2822

VENDOR = "paubox"
#: The path segment of the key-only gateway (`https://api.paubox.com/v1/email`); no account has this name.
GATEWAY_SEGMENT = "email"
_NAMED_HEADERS = {"subject", "from", "reply-to", "List-Unsubscribe", "List-Unsubscribe-Post"}


@dataclass(slots=True)
class _Parsed:
    """A validated `Message`."""

    recipients: list[tuple[str, str]]
    cc: list[tuple[str, str]]
    bcc: list[tuple[str, str]]
    sender: tuple[str, str]
    subject: str
    reply_to: tuple[str, str] | None
    headers: list[tuple[str, str]]
    custom_headers: dict[str, str]
    text: str | None
    html: str | None
    files: list[FilePart] = field(default_factory=list)
    force_secure: bool = False
    allow_non_tls: bool = False


def error_body(code: int, title: str, details: str, status: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"code": code}
    if status:
        item["status"] = status
    item["title"] = title
    item["details"] = details
    return {"errors": [item]}


UNAUTHORIZED = error_body(
    401, "Invalid Access Token", "Access token is missing or does not match endpoint username", "invalid_access_token"
)


def api_key_from(header: str | None) -> str | None:
    """The key in `Token token=<key>` or `Bearer <key>`; None for anything else (a bare key included)."""
    if not header:
        return None
    value = header.strip()
    scheme, _, rest = value.partition(" ")
    rest = rest.strip()
    if scheme == "Token" and rest.startswith("token="):
        return rest[len("token=") :].strip().strip('"') or None
    if scheme.lower() == "bearer":
        return rest or None
    return None


class PauboxApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.routes: dict[str, dict[str, Callable[[Request, str], Awaitable[Response]]]] = {
            "/messages": {"POST": self.send_message},
            "/bulk_messages": {"POST": self.send_bulk_messages},
            "/message_receipt": {"GET": self.get_message_receipt},
        }

    async def dispatch(self, request: Request) -> Response:
        username = request.path_params["api_username"]
        api_path = "/" + request.path_params["api_path"]
        methods = self.routes.get(api_path.rstrip("/") or "/")
        if methods is None:
            return json_response(error_body(404, "Not Found", f"No route matches {api_path}"), 404)
        handler = methods.get(request.method)
        if handler is None:
            return json_response(
                error_body(405, "Method Not Allowed", f"{request.method} is not allowed here"),
                405,
                {"Allow": ", ".join(methods)},
            )
        accounts = self.state.config.paubox_accounts
        key = api_key_from(request.headers.get("authorization"))
        if username == GATEWAY_SEGMENT:  # the key alone names the account
            username = next((name for name, known in accounts.items() if key is not None and known == key), "")
        expected = accounts.get(username)
        if expected is None or key is None or key != expected:
            return json_response(UNAUTHORIZED, 401)
        return await handler(request, username)

    # ---------------------------------------------------------------------------- validation
    def _bad_request(self, problems: list[Problem]) -> Response:
        errors = [{"code": 400, "title": "Invalid Request", "details": f"{p.field} {p.message}"} for p in problems]
        return json_response({"errors": errors}, 400)

    def _addresses(self, value: Any, where: str, problems: list[Problem], *, required: bool) -> list[tuple[str, str]]:
        if value is None:
            if required:
                problems.append(Problem(where, "is required"))
            return []
        if not isinstance(value, list):
            problems.append(Problem(where, "must be an array of strings"))
            return []
        if required and not value:
            problems.append(Problem(where, "should contain at least 1 item"))
        if len(value) > 100:
            problems.append(Problem(where, "should contain at most 100 items"))
        out: list[tuple[str, str]] = []
        for index, item in enumerate(value):
            parsed = parse_mailbox(item) if isinstance(item, str) else None
            if parsed is None:
                problems.append(Problem(f"{where}[{index}]", f"is not a valid email address: {item!r}"))
            else:
                out.append(parsed)
        return out

    def _optional_str(self, obj: dict[str, Any], key: str, where: str, problems: list[Problem]) -> str | None:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(f"{where}.{key}", "must be a string"))
            return None
        return value

    def _bool(self, obj: dict[str, Any], key: str, where: str, problems: list[Problem]) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            problems.append(Problem(f"{where}.{key}", "must be a boolean"))
            return False
        return value

    def _check_message(self, message: Any, where: str, problems: list[Problem]) -> _Parsed | None:
        if not isinstance(message, dict):
            problems.append(Problem(where, "is required" if message is None else "must be an object"))
            return None
        start = len(problems)
        recipients = self._addresses(message.get("recipients"), f"{where}.recipients", problems, required=True)
        cc = self._addresses(message.get("cc"), f"{where}.cc", problems, required=False)
        bcc = self._addresses(message.get("bcc"), f"{where}.bcc", problems, required=False)

        headers = message.get("headers")
        subject = ""
        sender = ("", "")
        reply_to: tuple[str, str] | None = None
        extra: list[tuple[str, str]] = []
        custom: dict[str, str] = {}
        if not isinstance(headers, dict):
            problems.append(Problem(f"{where}.headers", "is required" if headers is None else "must be an object"))
        else:
            hwhere = f"{where}.headers"
            raw_subject = headers.get("subject")
            if not isinstance(raw_subject, str):
                problems.append(
                    Problem(f"{hwhere}.subject", "is required" if raw_subject is None else "must be a string")
                )
            else:
                subject = raw_subject
                if header_problem("Subject", subject):
                    problems.append(Problem(f"{hwhere}.subject", "must not contain line breaks"))
            raw_from = headers.get("from")
            if not isinstance(raw_from, str):
                problems.append(Problem(f"{hwhere}.from", "is required" if raw_from is None else "must be a string"))
            else:
                parsed_from = parse_mailbox(raw_from)
                if parsed_from is None:
                    problems.append(Problem(f"{hwhere}.from", f"is not a valid email address: {raw_from!r}"))
                else:
                    sender = parsed_from
                    verified = self.state.config.paubox_verified_domains
                    domain = sender[1].rsplit("@", 1)[1].lower()
                    if verified is not None and domain not in {d.lower() for d in verified}:
                        problems.append(Problem(f"{hwhere}.from", f"domain {domain} is not verified for this account"))
            reply = self._optional_str(headers, "reply-to", hwhere, problems)
            if reply is not None:
                reply_to = parse_mailbox(reply)
                if reply_to is None:
                    problems.append(Problem(f"{hwhere}.reply-to", f"is not a valid email address: {reply!r}"))
            for name in ("List-Unsubscribe", "List-Unsubscribe-Post"):
                value = self._optional_str(headers, name, hwhere, problems)
                if value is not None:
                    if header_problem(name, value):
                        problems.append(Problem(f"{hwhere}.{name}", "must not contain line breaks"))
                    extra.append((name, value))
            for name, value in headers.items():
                if name in _NAMED_HEADERS:
                    continue
                if not isinstance(value, str):
                    problems.append(Problem(f"{hwhere}.{name}", "must be a string"))
                    continue
                issue = header_problem(name, value)
                if issue:
                    problems.append(Problem(f"{hwhere}.{name}", issue))
                    continue
                extra.append((name, value))
                if name.lower().startswith("x-"):
                    custom[name] = value

        content = message.get("content")
        text = html = None
        if not isinstance(content, dict):
            problems.append(Problem(f"{where}.content", "is required" if content is None else "must be an object"))
        else:
            text = self._optional_str(content, "text/plain", f"{where}.content", problems)
            html = self._optional_str(content, "text/html", f"{where}.content", problems)
            if text is None and html is None:
                problems.append(Problem(f"{where}.content", "must include text/plain or text/html"))
            if html is not None:
                html = looks_like_base64_html(html) or html

        files: list[FilePart] = []
        attachments = message.get("attachments")
        if attachments is not None:
            if not isinstance(attachments, list):
                problems.append(Problem(f"{where}.attachments", "must be an array"))
            else:
                for index, item in enumerate(attachments):
                    awhere = f"{where}.attachments[{index}]"
                    if not isinstance(item, dict):
                        problems.append(Problem(awhere, "must be an object"))
                        continue
                    values: dict[str, str] = {}
                    for key in ("fileName", "contentType", "content"):
                        value = item.get(key)
                        if isinstance(value, str):
                            values[key] = value
                        else:
                            reason = "is required" if value is None else "must be a string"
                            problems.append(Problem(f"{awhere}.{key}", reason))
                    if len(values) < 3:
                        continue
                    data = decode_base64(values["content"])
                    if data is None:
                        problems.append(Problem(f"{awhere}.content", "is not valid base64"))
                        continue
                    files.append(FilePart(values["fileName"], values["contentType"], data))

        allow_non_tls = self._bool(message, "allowNonTLS", where, problems)
        force_secure = self._bool(message, "forceSecureNotification", where, problems)
        if len(problems) > start:
            return None
        return _Parsed(
            recipients=recipients,
            cc=cc,
            bcc=bcc,
            sender=sender,
            subject=subject,
            reply_to=reply_to,
            headers=extra,
            custom_headers=custom,
            text=text,
            html=html,
            files=files,
            force_secure=force_secure,
            allow_non_tls=allow_non_tls,
        )

    def _render(self, parsed: _Parsed, username: str, where: str, problems: list[Problem]) -> StoredMessage | None:
        tracking_id = str(uuid.uuid4())
        domain = parsed.sender[1].rsplit("@", 1)[1]
        message_id = f"<{uuid.uuid4()}@{domain}>"
        now = time.time()
        parts = []
        if parsed.text is not None:
            parts.append(BodyPart("text/plain", parsed.text))
        if parsed.html is not None:
            parts.append(BodyPart("text/html", parsed.html))
        try:
            mime = build_message(
                sender=parsed.sender,
                to=parsed.recipients,
                cc=parsed.cc,
                reply_to=parsed.reply_to,
                subject=parsed.subject,
                parts=parts,
                headers=parsed.headers,
                files=parsed.files,
                message_id=message_id,
                date=now,
            )
        except MimeError as exc:
            problems.append(Problem(where, f"cannot be rendered: {exc}"))
            return None
        recipients = (
            [Recipient(a, n, "to") for n, a in parsed.recipients]
            + [Recipient(a, n, "cc") for n, a in parsed.cc]
            + [Recipient(a, n, "bcc") for n, a in parsed.bcc]
        )
        return StoredMessage(
            seq=self.state.store.new_seq(),
            vendor=VENDOR,
            id=tracking_id,
            created_at=now,
            source=mime,
            envelope_from=parsed.sender[1],
            recipients=tuple(recipients),
            subject=parsed.subject,
            attachment_bytes=sum(len(f.data) for f in parsed.files),
            meta={
                "username": username,
                "message_id": message_id,
                "custom_headers": parsed.custom_headers,
                "allowNonTLS": parsed.allow_non_tls,
                "forceSecureNotification": parsed.force_secure,
            },
        )

    def _sent(self, message: StoredMessage) -> dict[str, Any]:
        echoed: dict[str, str] | None = message.meta["custom_headers"]
        if not echoed and self.state.config.paubox_null_custom_headers:
            echoed = None  # paubox-node's bulk test stubs `customHeaders: null`
        return {"sourceTrackingId": message.id, "customHeaders": echoed, "data": "Service OK"}

    # ------------------------------------------------------------------------------ handlers
    async def send_message(self, request: Request, username: str) -> Response:
        problems: list[Problem] = []
        try:
            body = parse_json(await request.body())
        except BadJson as exc:
            return self._bad_request([Problem("body", str(exc))])
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            return self._bad_request([Problem("data", "is required" if data is None else "must be an object")])
        parsed = self._check_message(data.get("message"), "data.message", problems)
        for key in ("override_open_tracking", "override_link_tracking"):
            if key in data and not isinstance(data[key], bool):
                problems.append(Problem(f"data.{key}", "must be a boolean"))
        url = data.get("unsubscribe_url")
        if "unsubscribe_url" in data and (not isinstance(url, str) or "://" not in url):
            problems.append(Problem("data.unsubscribe_url", "must be an absolute URI"))
        stored = self._render(parsed, username, "data.message", problems) if parsed and not problems else None
        if stored is None or problems:
            return self._bad_request(problems)
        self.state.store.add_message(stored)
        return json_response(self._sent(stored))

    async def send_bulk_messages(self, request: Request, username: str) -> Response:
        problems: list[Problem] = []
        try:
            body = parse_json(await request.body())
        except BadJson as exc:
            return self._bad_request([Problem("body", str(exc))])
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            return self._bad_request([Problem("data", "is required" if data is None else "must be an object")])
        messages = data.get("messages")
        if not isinstance(messages, list):
            return self._bad_request(
                [Problem("data.messages", "is required" if messages is None else "must be an array")]
            )
        stored: list[StoredMessage] = []
        for index, message in enumerate(messages):
            where = f"data.messages[{index}]"
            parsed = self._check_message(message, where, problems)
            if parsed is not None:
                rendered = self._render(parsed, username, where, problems)
                if rendered is not None:
                    stored.append(rendered)
        if problems:
            return self._bad_request(problems)
        for message in stored:
            self.state.store.add_message(message)
        return json_response({"messages": [self._sent(m) for m in stored]})

    async def get_message_receipt(self, request: Request, username: str) -> Response:
        tracking_id = request.query_params.get("sourceTrackingId")
        if not tracking_id:
            return self._bad_request([Problem("sourceTrackingId", "is required")])
        found = [m for m in self.state.store.by_id(VENDOR, tracking_id) if m.meta.get("username") == username]
        if not found:
            body = error_body(
                404, "Message was not found", "Message with this tracking id was not found", "message_not_found"
            )
            body["sourceTrackingId"] = tracking_id
            return json_response(body, 404)
        message = found[0]
        reads_before = self.state.store.bump_receipt_reads(message)
        return json_response(self._receipt(message, reads_before))

    def _unset_values(self, status: dict[str, Any]) -> dict[str, Any]:
        """A status's values that are not known yet, as the configured style shows them: `null`
        (the docs), `""` (paubox-rust: "empty strings instead of `null`") or left out."""
        style = self.state.config.paubox_unset_style
        if style == "null":
            return status
        if style == "empty":
            return {name: "" if value is None else value for name, value in status.items()}
        return {name: value for name, value in status.items() if value is not None}

    def _receipt(self, message: StoredMessage, reads_before: int) -> dict[str, Any]:
        config = self.state.config
        if config.paubox_delivery_delay_ms is not None:
            delivered_at = message.created_at + config.paubox_delivery_delay_ms / 1000
            delivered = time.time() >= delivered_at
        else:
            delivered = reads_before >= config.paubox_processing_reads
            delivered_at = message.meta.setdefault("delivered_at", time.time()) if delivered else 0.0
        single = len(message.recipients) == 1
        deliveries = []
        for recipient in message.recipients:
            status: dict[str, Any]
            if not delivered:
                status = {"deliveryStatus": "processing", "deliveryTime": None}
            elif recipient.address.lower().startswith(config.bounce_prefix):
                status = {"deliveryStatus": "hard bounced", "deliveryTime": rfc2822(delivered_at)}
            elif message.meta.get("forceSecureNotification"):
                status = {"deliveryStatus": "delivered via secure portal", "deliveryTime": rfc2822(delivered_at)}
            else:
                status = {"deliveryStatus": "delivered", "deliveryTime": rfc2822(delivered_at)}
            if single:
                status["openedStatus"] = None
                status["openedTime"] = None
            deliveries.append({"recipient": recipient.address, "status": self._unset_values(status)})
        receipt: dict[str, Any] = {"id": message.meta["message_id"], "message_deliveries": deliveries}
        if single:
            receipt.update(total_opens=0, distinct_opens=0, total_click_count=0, clicks_per_link=[], unsubscribed=False)
        return {"sourceTrackingId": message.id, "data": {"message": receipt}}
