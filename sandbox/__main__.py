"""`python -m sandbox [--host 127.0.0.1] [--port 8025]`: run the sandbox in the foreground."""

from __future__ import annotations

import argparse
import gc

import uvicorn

from .app import SandboxApp
from .config import (
    DEFAULT_CONFIG,
    DEFAULT_HOST,
    DEFAULT_PORT,
    PAUBOX_API_KEY,
    PAUBOX_USERNAME,
    POWEREMAIL_OWNER_ID,
    POWEREMAIL_SMTP_USER,
    POWEREMAIL_TOKEN,
    SENDCLEAN_OWNER_ID,
    SENDCLEAN_SMTP_USER,
    SENDCLEAN_TOKEN,
    SMTPCOM_API_KEY,
    SMTPCOM_CHANNELS,
    VENDORS,
    base_url,
)
from .server import server_config


def banner(root: str) -> str:
    urls = "\n".join(f"  {vendor:<10} {base_url(root, vendor)}" for vendor in VENDORS)
    return (
        f"Email API sandbox on {root}\n{urls}\n  control    {root}/_sandbox/\n"
        f"Credentials:\n"
        f"  paubox     Authorization: Token token={PAUBOX_API_KEY}   (username {PAUBOX_USERNAME})\n"
        f"  smtpcom    X-SMTPCOM-API: {SMTPCOM_API_KEY}   channels {', '.join(SMTPCOM_CHANNELS)}\n"
        f"  sendclean  owner_id={SENDCLEAN_OWNER_ID} token={SENDCLEAN_TOKEN} smtp_user_name={SENDCLEAN_SMTP_USER}\n"
        f"  poweremail owner_id={POWEREMAIL_OWNER_ID} token={POWEREMAIL_TOKEN} smtp_user_name={POWEREMAIL_SMTP_USER}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Offline sandbox for the four email APIs.")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"bind address (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    args = parser.parse_args(argv)
    print(banner(f"http://{args.host}:{args.port}"), flush=True)
    app = SandboxApp(DEFAULT_CONFIG)
    gc.collect()
    gc.freeze()  # modules and app are here to stay: keep them out of every later collection
    uvicorn.Server(server_config(app, host=args.host, port=args.port, log_level=args.log_level)).run()


if __name__ == "__main__":
    main()
