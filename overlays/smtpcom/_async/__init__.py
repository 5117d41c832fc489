"""The async SMTP.com client; ``_sync`` beside it is derived by scripts/unasync.py."""
