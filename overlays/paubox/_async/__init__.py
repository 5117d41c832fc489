"""The async Paubox client; ``_sync`` beside it is derived by scripts/unasync.py."""
