"""``make run``: DynamoDB Local (data kept in .local/dynamodb), moto's S3, demo data, the gateway on 127.0.0.1:8080.

Ctrl-C stops everything it started. A busy port is reported, not fought over.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where a running `make run` says its services are, for the commands that talk to them (scripts/service_key.py).
ENDPOINTS_FILE = Path(os.environ.get("LOCAL_ENDPOINTS_FILE", ROOT / ".local" / "endpoints.json"))


def write_endpoints(port: int) -> None:
    names = ("DYNAMODB_ENDPOINT", "S3_ENDPOINT", "SQS_ENDPOINT", "NOTIFICATION_QUEUE_URL", "STAGE")
    values = {name: os.environ[name] for name in names if name in os.environ}
    values["API"] = f"http://127.0.0.1:{port}/devdevdev/api/v1"
    ENDPOINTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    ENDPOINTS_FILE.write_text(json.dumps(values, indent=2))


def main() -> int:
    port = int(os.environ.get("PORT", "8080"))
    from infra.local import services
    from infra.local.bucket import BucketFiles, ImageReader

    if not services.port_is_free(port):
        print(
            f"Port {port} on 127.0.0.1 is busy: is another `make run` already running? "
            f"Stop it, or choose another port: PORT=8081 make run",
            file=sys.stderr,
        )
        return 1
    os.environ.update({k: v for k, v in services.LOCAL_CREDENTIALS.items() if k not in os.environ})
    os.environ.setdefault("STAGE", "local")
    # The output is the functions' JSON log lines, one per request; the EMF metric lines only when asked for
    # (POWERTOOLS_METRICS_DISABLED=false make run).
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    dynamodb_port = services.free_port()
    # S3 on a stable port (S3_PORT, default PORT+1): a presigned upload URL handed out before a restart still works
    s3_port = int(os.environ.get("S3_PORT", str(port + 1)))
    if not services.port_is_free(s3_port):
        if "S3_PORT" in os.environ:
            print(f"S3_PORT {s3_port} on 127.0.0.1 is busy: choose another, e.g. S3_PORT=9090", file=sys.stderr)
            return 1
        s3_port = services.free_port()
        print(f"Port {port + 1} is busy: S3 listens on {s3_port} (presigned upload URLs do not survive a restart).")
    data_dir = Path(os.environ.get("LOCAL_DATA_DIR", ROOT / ".local" / "dynamodb"))
    # the image bucket's objects, restored at start and written through (infra/local/bucket.py)
    s3_dir = Path(os.environ.get("LOCAL_S3_DIR", data_dir.parent / "s3"))
    # images are served by the gateway at a URL that survives a restart, as CloudFront serves them in AWS
    os.environ.setdefault("IMAGES_PUBLIC_URL", f"http://127.0.0.1:{port}/images")
    try:
        dynamodb = services.start_dynamodb(dynamodb_port, data_dir)
    except services.MissingPrerequisite as missing:
        print(str(missing), file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    s3 = None
    followers: list = []  # the stream and queue pumps: stopped before the services they read from
    try:
        s3 = services.start_s3(s3_port)
        os.environ["DYNAMODB_ENDPOINT"] = f"http://127.0.0.1:{dynamodb_port}"
        os.environ["S3_ENDPOINT"] = f"http://127.0.0.1:{s3_port}"
        os.environ["SQS_ENDPOINT"] = os.environ["S3_ENDPOINT"]  # moto's server serves SQS too

        from infra.local.queues import QueuePump, ensure_queue

        os.environ["NOTIFICATION_QUEUE_URL"] = ensure_queue(os.environ["SQS_ENDPOINT"], "devdevdev-notifications")
        write_endpoints(port)

        import uvicorn
        from devdevdev.clock import Clock
        from devdevdev.runtime import Runtime, use_runtime
        from devdevdev.services.article_stream import reindex_all
        from devdevdev.services.pick_images import expire_unattached
        from devdevdev.services.similar_picks import backfill
        from devdevdev.settings import Settings
        from devdevdev.store.schema import ensure_table

        from infra.local.gateway import UVICORN_OPTIONS, create_app
        from infra.local.seed import DEFAULT_CRAWLER_KEY, seed, seed_demo_comments
        from infra.local.streams import StreamPump
        from infra.local.streams import followers as stream_followers

        settings = Settings.from_env()
        ensure_table(services.dynamodb_client(settings.dynamodb_endpoint or "", settings.region), settings.table_name)
        services.ensure_bucket(os.environ["S3_ENDPOINT"], settings.images_bucket, settings.region)
        bucket_files = BucketFiles(os.environ["S3_ENDPOINT"], settings.images_bucket, settings.region, s3_dir)
        restored = bucket_files.restore()
        followers.append((bucket_files, bucket_files.run_in_background()))
        runtime = Runtime(settings, Clock())
        use_runtime(runtime)
        seed(runtime, os.environ.get("CRAWLER_API_KEY", DEFAULT_CRAWLER_KEY))
        seed_demo_comments(runtime)
        indexed = reindex_all(runtime)  # the embedded search index lives in memory: rebuild it from the table
        pump = StreamPump(
            settings.dynamodb_endpoint or "", settings.table_name, settings.region, stream_followers(runtime)
        )
        pump.drain()
        followers.append((pump, pump.run_in_background()))
        jobs = QueuePump(os.environ["SQS_ENDPOINT"], os.environ["NOTIFICATION_QUEUE_URL"], settings.region)
        # the notification worker, as Lambda's SQS event source runs it in AWS
        followers.append((jobs, jobs.run_in_background()))
        print(f"Indexed {indexed} article(s) for search; restored {restored} image(s) from {s3_dir}.")
        # Picks kept in .local from before embeddings existed have none: embed them (`make backfill-embeddings`).
        backfilled = backfill(runtime, runtime.embedding_provider).summary.embedded
        if backfilled:
            print(f"Embedded {len(backfilled)} pick title(s) that had no embedding.")
        expired = expire_unattached(runtime)  # in AWS the TTL and the bucket's lifecycle rule do this
        if expired:
            print(f"Deleted {expired} expired unattached image upload(s).")
        print(f"devdevdev local stack: http://127.0.0.1:{port}/devdevdev/api/v1  (data in {data_dir}; Ctrl-C stops)")
        uvicorn.run(
            create_app(
                settings.cors_allowed_origins,
                pump,
                settings.trusted_proxies,
                ImageReader(os.environ["S3_ENDPOINT"], settings.images_bucket, settings.region),
            ),
            host="127.0.0.1",
            port=port,
            log_level="warning",  # no access log: each request's line is the function's JSON line
            access_log=False,
            timeout_graceful_shutdown=2,  # open SSE streams would otherwise hold Ctrl-C for up to 5 minutes
            **UVICORN_OPTIONS,
        )
    except KeyboardInterrupt:
        pass
    finally:
        ENDPOINTS_FILE.unlink(missing_ok=True)
        for follower, _ in followers:
            follower.stop()
        for _, thread in followers:
            thread.join(timeout=5)  # the queue's long poll ends within a second
        for follower, _ in followers:
            if isinstance(follower, BucketFiles):
                follower.sync_or_report()  # what arrived in the last second
        if s3 is not None:
            s3.stop()
        services.stop(dynamodb)
        print("devdevdev local stack stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
