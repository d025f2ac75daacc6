"""Cold starts: the import of each Lambda entry point, as a ratio to ``python -c 'import boto3'`` in the same run.

A cold start's Python part is the interpreter plus the handler module's imports (the settings and the repositories
are built on the first call). Each sample is a fresh interpreter (``python -c 'import functions.x.handler'``, with
the environment that function gets in AWS), timed from spawn to exit; the boto3 baseline is sampled in the same
rounds, every round in a new random order, so the machine's load shifts both sides alike. Bytecode caches are
warm on both sides (as in the layer, which ships compiled ``.pyc``): one untimed import of each first.

The first request (optional, ``FIRST_REQUEST=1``) is a fresh interpreter importing the handler and answering one
request on a seeded local stack (DynamoDB Local, moto), as a ratio to the same baseline.

    make bench BENCH=cold_start            ROUNDS=15 FIRST_REQUEST=0 by default (environment variables)
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.results import results_dir

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.5  # every function's import ÷ boto3's
BASELINE = "boto3"


@dataclass(frozen=True)
class Function:
    """A Lambda entry point: its module (as ``functions.<group>.<module>``) and the environment it gets in AWS."""

    name: str
    module: str
    env: dict[str, str] = field(default_factory=dict)


_SEARCH = {"OPENSEARCH_URL": "https://search.example.com", "SEARCH_INDEX": "articles"}
_QUEUE = {"NOTIFICATION_QUEUE_URL": "https://sqs.ap-northeast-2.amazonaws.com/123456789012/notifications"}
_ARN = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:"

# infra/stack.py's functions (the HTTP groups of infra/routes.py, the live channel, embeddings, the indexer).
FUNCTIONS = (
    Function("auth", "functions.auth.handler", {"OAUTH_CLIENT_SECRET_ARN": _ARN + "oauth"}),
    Function("picks", "functions.picks.handler", {"IMAGES_BUCKET": "images", "IMAGES_PUBLIC_URL": "https://cdn"}),
    Function("picks.embed", "functions.picks.embed", {"EMBEDDING_PROVIDER": "openai", "OPENAI_API_KEY_ARN": _ARN}),
    Function("articles", "functions.articles.handler", {**_SEARCH, **_QUEUE, "CRAWLER_KEYS_ARN": _ARN + "crawler"}),
    Function("articles.indexer", "functions.articles.indexer", _SEARCH),
    Function("comments", "functions.comments.handler"),
    Function("mypage", "functions.mypage.handler"),
    Function("notifications", "functions.notifications.handler", {**_QUEUE, "CRAWLER_KEYS_ARN": _ARN + "crawler"}),
    Function("notifications.worker", "functions.notifications.worker", _QUEUE),
    Function("notifications.websocket", "functions.notifications.websocket", _QUEUE),
)


def lambda_env(function: Function | None = None) -> dict[str, str]:
    """The process environment of a sample: what every function gets in AWS (infra/stack.py), plus its own, with
    the import path the layer and the code asset give it."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join((str(ROOT / "layers" / "shared"), str(ROOT))),
        "AWS_REGION": "ap-northeast-2",
        "AWS_DEFAULT_REGION": "ap-northeast-2",
        "STAGE": "dev",
        "TABLE_NAME": "devdevdev-dev",
        "JWT_SECRET_ARN": _ARN + "jwt",
        "POWERTOOLS_SERVICE_NAME": f"devdevdev-{function.name if function else 'baseline'}",
    }
    if function is not None:
        env.update(function.env)
    return env


def _run(code: str, env: dict[str, str]) -> tuple[float, float]:
    """A fresh interpreter running ``code``: seconds from spawn to exit, and the CPU seconds it used (user + system,
    which a loaded machine inflates far less than the wall time)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, code)
    return wall, usage.ru_utime + usage.ru_stime


def measure(functions: tuple[Function, ...] = FUNCTIONS, rounds: int = 15) -> dict[str, Any]:
    """The median CPU and wall time of each function's import and of boto3's over ``rounds`` interleaved rounds, and
    their ratios."""
    jobs: dict[str, tuple[str, dict[str, str]]] = {BASELINE: ("import boto3", lambda_env())}
    for function in functions:
        jobs[function.name] = (f"import {function.module}", lambda_env(function))
    for code, env in jobs.values():  # bytecode caches written (a layer ships them compiled)
        _run(code, env)
    wall: dict[str, list[float]] = {name: [] for name in jobs}
    cpu: dict[str, list[float]] = {name: [] for name in jobs}
    order = list(jobs)
    for _ in range(rounds):
        random.shuffle(order)
        for name in order:
            seconds, cpu_seconds = _run(*jobs[name])
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
    median_wall = {name: statistics.median(values) for name, values in wall.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    return {
        "rounds": rounds,
        "baseline_seconds": median_cpu[BASELINE],
        "baseline_wall_seconds": median_wall[BASELINE],
        "functions": {
            f.name: {
                "module": f.module,
                "median_seconds": median_cpu[f.name],
                "ratio": median_cpu[f.name] / median_cpu[BASELINE],
                "median_wall_seconds": median_wall[f.name],
                "wall_ratio": median_wall[f.name] / median_wall[BASELINE],
            }
            for f in functions
        },
    }


def forbidden_loaded(module: str, forbidden: tuple[str, ...], env: dict[str, str] | None = None) -> list[str]:
    """Which of ``forbidden`` (module names, or their packages) a fresh interpreter has in ``sys.modules`` after
    importing ``module``."""
    code = (
        "import json, sys\n"
        f"import {module}\n"
        f"forbidden = {list(forbidden)!r}\n"
        "print(json.dumps(sorted({f for f in forbidden for m in sys.modules if m == f or m.startswith(f + '.')})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env or lambda_env(), check=True, cwd=ROOT, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(functions: tuple[Function, ...] = FUNCTIONS, rounds: int = 15) -> dict[str, Any]:
    """Measure, print the table and write ``cold_start.json``; the result."""
    result = measure(functions, rounds)
    load = os.getloadavg()
    print(
        f"cold import ÷ `python -c 'import boto3'` ({result['baseline_seconds'] * 1000:.0f} ms CPU, "
        f"{result['baseline_wall_seconds'] * 1000:.0f} ms wall): medians of {rounds} interleaved fresh interpreters "
        f"each, load average {load[0]:.2f}; goal ≤ {GOAL}× (CPU)"
    )
    print(f"{'function':<26}{'CPU':>8}{'ratio':>8}{'wall':>9}{'ratio':>8}  goal")
    for name, row in result["functions"].items():
        verdict = "met" if row["ratio"] <= GOAL else "MISSED"
        print(
            f"{name:<26}{row['median_seconds'] * 1000:>6.0f}ms{row['ratio']:>7.2f}×"
            f"{row['median_wall_seconds'] * 1000:>7.0f}ms{row['wall_ratio']:>7.2f}×  {verdict}"
        )
    result.update({"goal": GOAL, "load_average": load, "at": datetime.now(UTC).isoformat(timespec="seconds")})
    path = results_dir() / "cold_start.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {path}")
    return result


def main() -> None:
    run(rounds=int(os.environ.get("ROUNDS", "15")))
