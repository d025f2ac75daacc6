"""Identity: JWTs, what a warm instance remembers of its callers, OAuth login (the caller of a request is read at
the HTTP edge, :mod:`devdevdev.api.identity`)."""
