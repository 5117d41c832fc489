"""SendClean and PowerEmail (one platform, two brands) under `/sendclean/v1.0` and `/poweremail/v1.0`.

POST messages/sendMail, messages/sendTemplate, messages/getMessageInfo and the legacy
GET messages/sendTemplateHTTPGet (specs/sendclean.yaml, specs/poweremail.yaml).
Credentials are `owner_id` + `token` in the JSON body (query string for the GET). Application
errors come back with HTTP 200 and `{"status":"error","code":-1,"name":...,"message":...}`.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response

from .checks import BadJson, Problem, decode_base64, header_problem, is_email, parse_json, parse_mailbox
from .config import BrandAccount, Template
from .mime import BodyPart, FilePart, MimeError, build_message
from .state import SandboxState
from .store import Recipient, StoredMessage
from .web import json_response

PAGE_SIZE: Final = 100
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_DYNAMIC_PARAM = re.compile(r"^dynamic_value\[(.+)\]$")
_HEADER_ENUMS: Final[dict[str, tuple[str, ...]]] = {
    "X-STes-TrackOpen": ("yes", "no"),
    "X-STes-TrackClick": ("html", "text", "both", "no"),
    "X-STes-Autotext": ("yes", "no"),
    "X-STes-AutoHtml": ("yes", "no"),
}
#: Success texts, per brand and call, as the vendor docs show them.
_QUEUED: Final[dict[str, dict[str, str]]] = {
    "sendclean": {
        "sendMail": "message have been Queued ... ",
        "sendTemplate": "message have been Queued ... ",
        "sendTemplateHTTPGet": "250 Message Queued...",
    },
    "poweremail": {
        "sendMail": "message have been Queued ... ",
        "sendTemplate": "250 Message Queued...",
        "sendTemplateHTTPGet": "250 Message Queued...",
    },
}


def error_envelope(name: str, message: str, *, style: str = "name", code_as_string: bool = False) -> dict[str, Any]:
    """The platform's error body. `style` is the key that names the error: `name` (the doc examples,
    the official clients) or `type` (the doc's return-value table); PowerEmail's doc shows `code` as
    the string `"-1"`."""
    return {"status": "error", "code": "-1" if code_as_string else -1, style: name, "message": message}


def render_template(text: str | None, values: Mapping[str, str]) -> str | None:
    """Replace `{{NAME}}` placeholders (case-sensitive); unknown names stay as they are."""
    if text is None:
        return None
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class BrandApi:
    """One brand of the platform. `vendor` is `sendclean` or `poweremail`."""

    def __init__(self, state: SandboxState, vendor: str) -> None:
        self.state = state
        self.vendor = vendor
        self.routes: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {
            "/v1.0/messages/sendMail": {"POST": self.send_mail},
            "/v1.0/messages/sendTemplate": {"POST": self.send_template},
            "/v1.0/messages/sendTemplateHTTPGet": {"GET": self.send_template_http_get},
            "/v1.0/messages/getMessageInfo": {"POST": self.get_message_info},
        }

    @property
    def account(self) -> BrandAccount:
        return self.state.config.brand(self.vendor)

    def _error(self, name: str, message: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        config = self.state.config
        body = error_envelope(
            name, message, style=config.platform_error_style, code_as_string=config.platform_error_code_as_string
        )
        return json_response(body, status, headers)

    def _authentication_error(self) -> Response:
        return self._error("AuthenticationError", "Token MissMatch")

    def _validation_error(self, problems: list[Problem]) -> Response:
        return self._error("ValidationError", "; ".join(f"{p.field} {p.message}" for p in problems))

    async def dispatch(self, request: Request) -> Response:
        api_path = "/" + request.path_params["api_path"]
        methods = self.routes.get(api_path)
        if methods is None:
            return self._error("GeneralError", f"Unknown API call {api_path}", 404)
        handler = methods.get(request.method)
        if handler is None:
            return self._error(
                "GeneralError", f"{request.method} is not allowed for {api_path}", 405, {"Allow": ", ".join(methods)}
            )
        return await handler(request)

    # --------------------------------------------------------------------------- common parts
    async def _authenticated_body(self, request: Request) -> dict[str, Any] | Response:
        try:
            body = parse_json(await request.body())
        except BadJson as exc:
            return self._validation_error([Problem("body", str(exc))])
        if not isinstance(body, dict):
            return self._validation_error([Problem("body", "must be a JSON object")])
        if not self._credentials_ok(body.get("owner_id"), body.get("token")):
            return self._authentication_error()
        return body

    def _credentials_ok(self, owner_id: Any, token: Any) -> bool:
        account = self.account
        return bool(owner_id == account.owner_id and token == account.token)

    def _smtp_user(self, value: Any, problems: list[Problem]) -> str:
        if not isinstance(value, str) or not value:
            problems.append(Problem("smtp_user_name", "is required" if value is None else "must be a string"))
            return ""
        if value not in self.account.smtp_user_names:
            problems.append(Problem("smtp_user_name", f"{value!r} is not a valid smtp user of this account"))
        return value

    def _recipients(self, value: Any, problems: list[Problem]) -> list[Recipient]:
        if value is None or value == []:
            problems.append(Problem("message.to", "must contain at least one recipient"))
            return []
        if not isinstance(value, list):
            problems.append(Problem("message.to", "must be an array"))
            return []
        out = []
        for index, item in enumerate(value):
            where = f"message.to[{index}]"
            if not isinstance(item, dict):
                problems.append(Problem(where, "must be an object"))
                continue
            address, name, kind = item.get("email"), item.get("name"), item.get("type", "to")
            if not isinstance(address, str) or not is_email(address):
                problems.append(
                    Problem(f"{where}.email", "is required" if address is None else "must be a valid email address")
                )
                continue
            if name is not None and (not isinstance(name, str) or header_problem("X", name)):
                problems.append(Problem(f"{where}.name", "must be a string without line breaks"))
                continue
            if kind not in ("to", "cc", "bcc"):
                problems.append(Problem(f"{where}.type", "must be one of to, cc, bcc"))
                continue
            out.append(Recipient(address, name or "", kind))
        return out

    def _headers(self, value: Any, problems: list[Problem]) -> list[tuple[str, str]]:
        if value is None:
            return []
        if not isinstance(value, dict):
            problems.append(Problem("message.headers", "must be an object"))
            return []
        out = []
        for name, header_value in value.items():
            where = f"message.headers.{name}"
            if not isinstance(header_value, str):
                problems.append(Problem(where, "must be a string"))
                continue
            issue = header_problem(name, header_value)
            allowed = _HEADER_ENUMS.get(name)
            if issue:
                problems.append(Problem(where, issue))
            elif allowed and header_value not in allowed:
                problems.append(Problem(where, f"must be one of {', '.join(allowed)}"))
            elif name.lower() == "reply-to" and parse_mailbox(header_value) is None:
                problems.append(Problem(where, "must be a valid email address"))
            else:
                out.append((name, header_value))
        return out

    def _files(self, message: dict[str, Any], problems: list[Problem]) -> list[FilePart]:
        files: list[FilePart] = []
        for key, inline in (("attachments", False), ("images", True)):
            items = message.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                problems.append(Problem(f"message.{key}", "must be an array"))
                continue
            for index, item in enumerate(items):
                where = f"message.{key}[{index}]"
                if not isinstance(item, dict):
                    problems.append(Problem(where, "must be an object"))
                    continue
                values = [item.get(k) for k in ("type", "name", "content")]
                missing = [
                    k for k, v in zip(("type", "name", "content"), values, strict=True) if not isinstance(v, str)
                ]
                if missing:
                    problems.extend(Problem(f"{where}.{k}", "is required and must be a string") for k in missing)
                    continue
                content_type, name, content = (str(v) for v in values)
                if inline and not content_type.lower().startswith("image/"):
                    problems.append(Problem(f"{where}.type", "must start with image/"))
                    continue
                data = decode_base64(content)
                if data is None:
                    problems.append(Problem(f"{where}.content", "must be a base64-encoded string"))
                    continue
                files.append(FilePart(name, content_type, data, inline=inline, cid=name if inline else None))
        return files

    def _optional_text(self, message: dict[str, Any], key: str, problems: list[Problem]) -> str | None:
        value = message.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(Problem(f"message.{key}", "must be a string"))
            return None
        return value

    def _sender(self, message: dict[str, Any], problems: list[Problem], smtp_user: str) -> tuple[str, str]:
        from_email = self._optional_text(message, "from_email", problems)
        from_name = self._optional_text(message, "from_name", problems)
        if from_email is not None and not is_email(from_email):
            problems.append(Problem("message.from_email", "must be a valid email address"))
        if from_name is not None and header_problem("X", from_name):
            problems.append(Problem("message.from_name", "must not contain line breaks"))
        address = from_email or f"{smtp_user or 'sandbox'}@{self.vendor}.sandbox.invalid"
        return from_name or "", address

    def _store(
        self,
        operation: str,
        smtp_user: str,
        sender: tuple[str, str],
        subject: str | None,
        recipients: list[Recipient],
        parts: list[BodyPart],
        headers: list[tuple[str, str]],
        files: list[FilePart],
        extra_meta: dict[str, Any],
        problems: list[Problem],
    ) -> bool:
        message_uuid = str(uuid.uuid4())
        reply_to = next((parse_mailbox(v) for k, v in headers if k.lower() == "reply-to"), None)
        other_headers = [(k, v) for k, v in headers if k.lower() != "reply-to"]
        if subject is not None and header_problem("Subject", subject):
            problems.append(Problem("message.subject", "must not contain line breaks"))
            return False
        try:
            mime = build_message(
                sender=sender,
                to=[(r.name, r.address) for r in recipients if r.kind == "to"],
                cc=[(r.name, r.address) for r in recipients if r.kind == "cc"],
                reply_to=reply_to,
                subject=subject,
                parts=parts,
                headers=other_headers,
                files=files,
                message_id=f"<{message_uuid}@{self.vendor}.sandbox.invalid>",
            )
        except MimeError as exc:
            problems.append(Problem("message", f"cannot be rendered: {exc}"))
            return False
        unique_id = next((v for k, v in headers if k.lower() == "x-unique-id"), None)
        meta = {"operation": operation, "smtp_user_name": smtp_user, "x_unique_id": unique_id, **extra_meta}
        stored = StoredMessage(
            seq=self.state.store.new_seq(),
            vendor=self.vendor,
            id=message_uuid,
            created_at=time.time(),
            source=mime,
            envelope_from=sender[1],
            recipients=tuple(recipients),
            subject=subject,
            meta=meta,
            attachment_bytes=sum(len(f.data) for f in files),
        )
        self.state.store.add_message(stored, keys=[("x_unique_id", unique_id)] if unique_id is not None else [])
        return True

    def _queued(self, operation: str) -> Response:
        return json_response({"status": "success", "message": _QUEUED[self.vendor][operation]})

    def _template(self, template_id: Any, where: str, problems: list[Problem]) -> Template | None:
        if not isinstance(template_id, str) or not template_id:
            problems.append(Problem(where, "is required" if template_id is None else "must be a string"))
            return None
        template = self.state.config.templates.get(template_id)
        if template is None:
            problems.append(Problem(where, f"{template_id!r} is not a valid template id"))
        return template

    @staticmethod
    def _template_parts(template: Template, values: Mapping[str, str]) -> list[BodyPart]:
        parts = []
        if template.text is not None:
            parts.append(BodyPart("text/plain", render_template(template.text, values) or ""))
        if template.html is not None:
            parts.append(BodyPart("text/html", render_template(template.html, values) or ""))
        return parts

    # ------------------------------------------------------------------------------ handlers
    async def send_mail(self, request: Request) -> Response:
        body = await self._authenticated_body(request)
        if isinstance(body, Response):
            return body
        problems: list[Problem] = []
        smtp_user = self._smtp_user(body.get("smtp_user_name"), problems)
        message = body.get("message")
        if not isinstance(message, dict):
            problems.append(Problem("message", "is required" if message is None else "must be an object"))
            return self._validation_error(problems)
        html = self._optional_text(message, "html", problems)
        text = self._optional_text(message, "text", problems)
        if html is None and text is None and not any(p.field in ("message.html", "message.text") for p in problems):
            problems.append(Problem("message", "needs either 'html' or 'text'"))
        subject = self._optional_text(message, "subject", problems)
        sender = self._sender(message, problems, smtp_user)
        recipients = self._recipients(message.get("to"), problems)
        headers = self._headers(message.get("headers"), problems)
        files = self._files(message, problems)
        if problems:
            return self._validation_error(problems)
        parts = [BodyPart("text/plain", text)] if text is not None else []
        if html is not None:
            parts.append(BodyPart("text/html", html))
        if not self._store("sendMail", smtp_user, sender, subject, recipients, parts, headers, files, {}, problems):
            return self._validation_error(problems)
        return self._queued("sendMail")

    async def send_template(self, request: Request) -> Response:
        body = await self._authenticated_body(request)
        if isinstance(body, Response):
            return body
        problems: list[Problem] = []
        smtp_user = self._smtp_user(body.get("smtp_user_name"), problems)
        message = body.get("message")
        if not isinstance(message, dict):
            problems.append(Problem("message", "is required" if message is None else "must be an object"))
            return self._validation_error(problems)
        template = self._template(message.get("template_id"), "message.template_id", problems)
        values = message.get("dynamic_value")
        if values is None:
            values = {}
        elif not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            problems.append(Problem("message.dynamic_value", "must be an object of strings"))
            values = {}
        subject = self._optional_text(message, "subject", problems)
        sender = self._sender(message, problems, smtp_user)
        recipients = self._recipients(message.get("to"), problems)
        headers = self._headers(message.get("headers"), problems)
        files = self._files(message, problems)
        if problems or template is None:
            return self._validation_error(problems)
        final_subject = render_template(subject if subject is not None else template.subject, values)
        meta = {"template_id": message["template_id"], "dynamic_value": values}
        parts = self._template_parts(template, values)
        if not self._store(
            "sendTemplate", smtp_user, sender, final_subject, recipients, parts, headers, files, meta, problems
        ):
            return self._validation_error(problems)
        return self._queued("sendTemplate")

    async def send_template_http_get(self, request: Request) -> Response:
        query = request.query_params
        if not self._credentials_ok(query.get("owner_id"), query.get("token")):
            return self._authentication_error()
        problems: list[Problem] = []
        smtp_user = self._smtp_user(query.get("smtp_user_name"), problems)
        template = self._template(query.get("template_id"), "template_id", problems)
        subject, from_email, to = query.get("subject"), query.get("from_email"), query.get("to")
        if subject is None:
            problems.append(Problem("subject", "is required"))
        elif header_problem("Subject", subject):
            problems.append(Problem("subject", "must not contain line breaks"))
        for key, value in (("from_email", from_email), ("to", to)):
            if value is None:
                problems.append(Problem(key, "is required"))
            elif not is_email(value):
                problems.append(Problem(key, "must be a valid email address"))
        values = {}
        for key, value in query.multi_items():
            match = _DYNAMIC_PARAM.match(key)
            if match:
                values[match.group(1)] = value
        if problems or template is None or to is None or from_email is None:
            return self._validation_error(problems)
        meta = {"template_id": query["template_id"], "dynamic_value": values}
        if not self._store(
            "sendTemplateHTTPGet",
            smtp_user,
            ("", from_email),
            render_template(subject, values),
            [Recipient(to, "", "to")],
            self._template_parts(template, values),
            [],
            [],
            meta,
            problems,
        ):
            return self._validation_error(problems)
        return self._queued("sendTemplateHTTPGet")

    async def get_message_info(self, request: Request) -> Response:
        body = await self._authenticated_body(request)
        if isinstance(body, Response):
            return body
        problems: list[Problem] = []
        unique_id = body.get("x_unique_id")
        if not isinstance(unique_id, str):
            problems.append(Problem("x_unique_id", "is required" if unique_id is None else "must be a string"))
        # SendClean defaults an absent skip_page to 0; an explicit null is not an integer (the spec).
        skip_page = body.get("skip_page", 0 if self.vendor == "sendclean" else None)
        if "skip_page" not in body and skip_page is None:
            problems.append(Problem("skip_page", "is required"))
        elif isinstance(skip_page, bool) or not isinstance(skip_page, int) or skip_page < 0:
            problems.append(Problem("skip_page", "must be a non-negative integer"))
        if problems or not isinstance(unique_id, str) or not isinstance(skip_page, int):
            return self._validation_error(problems)
        rows = [
            (message, recipient)
            for message in self.state.store.by_key(self.vendor, "x_unique_id", unique_id)
            for recipient in message.recipients
        ]
        page = rows[skip_page * PAGE_SIZE : (skip_page + 1) * PAGE_SIZE]
        return json_response({"status": "success", "message_data": [self._info(m, r) for m, r in page]})

    def _info(self, message: StoredMessage, recipient: Recipient) -> dict[str, Any]:
        bounced = recipient.address.lower().startswith(self.state.config.bounce_prefix)
        return {
            "subject": message.subject or "",
            "sender": message.envelope_from,
            "email": recipient.address,
            "sendFrom": "127.0.0.1",
            "mailSize": len(message.raw),
            "attchSize": message.attachment_bytes,
            "status": "hard_bounce" if bounced else "delivered",
            "time": int(message.created_at * 1000),
            "open": 0,
            "openData": {"ip": [], "ua": [], "time": []},
            "click": 0,
            "clickData": {"ip": [], "ua": [], "time": []},
        }
