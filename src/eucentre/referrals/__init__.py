"""Referrals to law enforcement: packages, the outbox relay, the authorities\x27 inbox."""
