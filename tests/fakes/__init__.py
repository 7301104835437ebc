"""Stand-ins for outside services, importable from both environments (stdlib and cryptography only)."""
