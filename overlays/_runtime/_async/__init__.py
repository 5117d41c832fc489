"""The async source of the base client; ``_sync`` beside it is derived by scripts/unasync.py."""
