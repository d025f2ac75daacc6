"""Identity: JWTs, the caller of a request, OAuth login."""
