"""Create (or replace) a server-to-server client's key and print it once: only its hash is stored.

    make service-key NAME=devdevdev-crawler                 # the local stack (`make run` must be running)
    make service-key NAME=news-crawler SIGNED=1             # also a signing secret (see docs/notifications.md)
    make service-key NAME=news-crawler SIGNED=1 ONLY_SIGNED=1   # and refuse its unsigned (api-key) requests
    STAGE=prod TABLE_NAME=devdevdev-prod make service-key NAME=...   # a deployed table (AWS credentials)

The key (and the secret) are printed on standard output and nowhere else: store them in the crawler's secrets.
Running it again for the same name replaces the old key at once.
"""

from __future__ import annotations

import argparse
import secrets
import sys

from local_stack import use_local_stack  # scripts/local_stack.py (the script's own directory is on the path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the service-name header the client sends")
    parser.add_argument("--signed", action="store_true", help="also create a signing secret")
    parser.add_argument("--only-signed", action="store_true", help="accept only signed requests (implies --signed)")
    args = parser.parse_args(argv)
    name = args.name.strip()
    if not name or len(name) > 100:
        parser.error("the name must be 1 to 100 characters")
    if not use_local_stack():
        return 1

    from devdevdev.settings import Settings
    from devdevdev.store.models import bind
    from devdevdev.store.services import ServiceRepository

    settings = Settings.from_env()
    bind(settings.table_name, settings.dynamodb_endpoint, settings.region)
    api_key = secrets.token_urlsafe(32)
    signing_secret = secrets.token_urlsafe(32) if args.signed or args.only_signed else None
    ServiceRepository().put(name, api_key, signing_secret=signing_secret, require_signature=args.only_signed)
    print(f"service-name: {name}")
    print(f"api-key:      {api_key}" + ("   (not accepted: this service must sign)" if args.only_signed else ""))
    if signing_secret:
        print(f"signing secret: {signing_secret}")
    print("Shown once: only a hash of the api-key is stored. Running this again replaces the key.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
