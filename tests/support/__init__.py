"""Helpers shared by the behaviour tests: real loopback servers (servers.py)."""
