"""`make demo`: send through all four clients against the offline sandbox and read the status back.

Starts `python -m sandbox` on a free loopback port, sends one message per vendor with the overlay
clients (each with an attachment; for SendClean also a template send and the legacy GET), reads each
message's status back through the same client by the id the send returned (`sent.id`), prints what
the sandbox kept (the MIME summary), and stops the sandbox. Paubox goes through the key-only gateway
(`/v1/email`, no username). Exits non-zero if any step fails.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox import config as sb  # noqa: E402  (the repo root must be on sys.path first)

ATTACHMENT = base64.b64encode(b"Order 42: 1 x blue mug\n").decode("ascii")
PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="


@dataclass
class Row:
    vendor: str
    call: str
    tracking_id: str
    status: str
    mime: str


@contextmanager
def sandbox_process() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the sandbox exited with status {process.returncode}")
            try:
                if httpx.get(f"{root}/_sandbox/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start within 20 s")
            time.sleep(0.1)
        print(f"sandbox running at {root} (pid {process.pid})\n")
        yield root
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print("\nsandbox stopped")


def kept_mime(root: str, vendor: str) -> str:
    """The sandbox's summary of the last message it kept for `vendor`."""
    messages = httpx.get(f"{root}/_sandbox/messages", params={"vendor": vendor}, timeout=5).json()["messages"]
    summary = messages[-1]["summary"]
    parts = ", ".join(p["content_type"] for p in summary["parts"] if not p["content_type"].startswith("multipart/"))
    extras = [f"attachments={summary['attachments']}"] if summary["attachments"] else []
    extras += [f"inline={[i['content_id'] for i in summary['inline_images']]}"] if summary["inline_images"] else []
    return f"{summary['headers'].get('Subject', '')!r} to {summary['headers'].get('To', '')} [{parts}] {' '.join(extras)}".rstrip()


def paubox_demo(root: str) -> Iterator[Row]:
    from paubox_client import Attachment, Message, MessageContent, MessageHeaders, Paubox

    # The key alone selects Paubox's current gateway, https://api.paubox.com/v1/email: here its sandbox twin.
    with Paubox(sb.PAUBOX_API_KEY, base_url=f"{root}/paubox/v1/email") as paubox:
        sent = paubox.send_message(
            Message(
                recipients=["patient@example.com"],
                headers=MessageHeaders(subject="Your lab results", from_="clinic@example.com"),
                content=MessageContent(
                    textplain="Your results are attached.", texthtml="<p>Your results are attached.</p>"
                ),
                attachments=[Attachment(file_name="results.txt", content_type="text/plain", content=ATTACHMENT)],
            )
        )
        statuses = [
            paubox.get_message_receipt(sent.id).data.message.message_deliveries[0].status.delivery_status
            for _ in range(3)
        ]
        yield Row(
            "Paubox",
            "send_message + get_message_receipt (key-only gateway /v1/email)",
            sent.id,
            " -> ".join(dict.fromkeys(statuses)),
            kept_mime(root, "paubox"),
        )


def smtpcom_demo(root: str) -> Iterator[Row]:
    from smtpcom_client import (
        EmailAddress,
        MessageAttachment,
        MessageBody,
        MessagePart,
        Originator,
        Recipients,
        SendMessageRequest,
        SMTPcom,
    )

    with SMTPcom(sb.SMTPCOM_API_KEY, base_url=f"{root}/smtpcom") as smtp:  # Authorization: Bearer <key>
        started = datetime.now(UTC) - timedelta(minutes=1)
        sent = smtp.send_message(
            SendMessageRequest(
                channel=sb.SMTPCOM_CHANNEL,
                recipients=Recipients(to=[EmailAddress(address="jane@example.com", name="Jane")]),
                originator=Originator(from_=EmailAddress(address="shop@example.com", name="Shop")),
                subject="Your invoice",
                body=MessageBody(
                    parts=[MessagePart(type_="text/plain", content="Invoice attached.")],
                    attachments=[
                        MessageAttachment(
                            filename="invoice.txt", type_="text/plain", encoding="base64", content=ATTACHMENT
                        )
                    ],
                ),
            )
        )
        listed = smtp.list_messages(sb.SMTPCOM_CHANNEL, start=started, limit=10, msg_id=sent.id)
        status = ", ".join(_event(item) for item in listed.data.items or []) or "not listed"
        yield Row("SMTP.com", "send_message + list_messages", sent.id, status, kept_mime(root, "smtpcom"))


def _event(item: Any) -> str:
    details = getattr(item, "details", None)
    delivery = getattr(details, "delivery", None)
    event = getattr(delivery, "event", None)
    return event if isinstance(event, str) else "accepted"


def platform_demo(root: str, brand: str) -> Iterator[Row]:
    import importlib

    package = importlib.import_module(f"{brand}_client")
    client_class = package.SendClean if brand == "sendclean" else package.PowerEmail
    label = "SendClean" if brand == "sendclean" else "PowerEmail"
    owner, token, user = (getattr(sb, f"{brand.upper()}_{k}") for k in ("OWNER_ID", "TOKEN", "SMTP_USER"))
    with client_class(owner, token, smtp_user_name=user, base_url=f"{root}/{brand}/v1.0") as client:
        # No X-Unique-Id header: the client adds one, and sent.id is the key get_message_info takes.
        sent = client.send_mail(
            package.Message(
                subject="Your order has shipped",
                from_email="shop@example.com",
                to=[package.Recipient(email="ann@example.com", name="Ann")],
                html='<p>On its way!</p><img src="cid:logo">',
                text="On its way!",
                attachments=[package.Attachment(type_="text/plain", name="receipt.txt", content=ATTACHMENT)],
                images=[package.InlineImage(type_="image/png", name="logo", content=PIXEL_PNG)],
            )
        )
        info = client.get_message_info(sent.id)
        status = ", ".join(f"{item.email}: {item.status}" for item in info.message_data)
        call = f"send_mail ({sent.response.status}) + get_message_info"
        yield Row(label, call, sent.id, status, kept_mime(root, brand))
        if brand != "sendclean":
            return
        models = importlib.import_module(f"{brand}_client.models")
        templated = client.send_template(
            package.TemplateMessage(
                template_id="welcome",
                subject="Welcome",
                from_email="shop@example.com",
                to=[package.Recipient(email="ann@example.com")],
                dynamic_value=models.TemplateMessageDynamicValue.from_dict({"NAME": "Ann", "Email": "ann@example.com"}),
            )
        )
        yield Row(label, "send_template", templated.id, str(templated.response.status), kept_mime(root, brand))
        legacy = client.send_template_http_get(
            template_id="password-reset",
            to="ann@example.com",
            subject="Reset your password",
            from_email="shop@example.com",
            dynamic_value={"NAME": "Ann", "LINK": "https://example.com/reset"},
        )
        yield Row(
            label,
            "send_template_http_get (legacy GET)",
            "template password-reset",
            str(legacy.status),
            kept_mime(root, brand),
        )


def main() -> int:
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[str], Iterator[Row]]]] = [
        ("Paubox", paubox_demo),
        ("SMTP.com", smtpcom_demo),
        ("SendClean", lambda root: platform_demo(root, "sendclean")),
        ("PowerEmail", lambda root: platform_demo(root, "poweremail")),
    ]
    failed: list[str] = []
    with sandbox_process() as root:
        for name, step in steps:
            try:
                for row in step(root):
                    rows.append(row)
                    print(
                        f"{row.vendor:<11} {row.call}\n{'':<11} id:     {row.tracking_id}\n{'':<11} status: {row.status}\n{'':<11} kept:   {row.mime}\n"
                    )
            except Exception as error:  # report every vendor, then fail
                failed.append(f"{name}: {type(error).__name__}: {error}")
                print(f"{name:<11} FAILED: {type(error).__name__}: {error}\n")
    if failed:
        print("demo failed:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    print(f"demo ok: {len(rows)} calls through 4 clients")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
