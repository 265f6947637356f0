"""The kernel the domains plug into: their manifests, the task registry, the outbox, the case
timeline and the public-case kernel. Nothing here imports a domain package."""
