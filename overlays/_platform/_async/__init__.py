"""The async platform clients; ``_sync`` beside it is derived by scripts/unasync.py."""
