"""Who is calling: staff sessions, API keys, roles, scopes and CSRF."""
