"""The runtime every vendor package shares, copied into each by scripts/generate.py."""
