"""The rules of each endpoint group. Services take repositories and ports as arguments; they never read the
environment or the event."""
