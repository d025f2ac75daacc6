"""The HTTP contract: envelope, errors, request parsing, cookies, the resolver every function group uses."""
