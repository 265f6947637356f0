"""Retention of received files: deleted when their time is up, unless a hold or an indicator
still needs them."""
