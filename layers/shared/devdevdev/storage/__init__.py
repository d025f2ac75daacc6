"""Object storage (S3) for uploaded files."""
