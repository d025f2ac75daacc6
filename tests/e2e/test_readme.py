"""The README's shell commands, run as written against a `make run` stack of their own, so that the README cannot
drift: every command exits 0, every `curl` prints the envelope its comment promises (SUCCESS, or the FAIL of the
status it names), and every variable a command sets is set.

Run as written, except: the stack listens on a free port (``127.0.0.1:8080`` becomes it), and `make` does not
reinstall the dependencies `make test` has just installed. A few commands cannot run here; ``NOT_RUN`` says which
and why, and each of its entries must still match a command of the README."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from infra.local.services import free_port
from tests.e2e.test_local_stack import ROOT, start, stop

README = ROOT / "README.md"
NOT_RUN = {
    r"^(?:[A-Z_]+=\S* )*make (run|test)\b": "starts what this test has started (with or without settings before it)",
    r"^make openapi\b": "rewrites the committed reference (tests/contract/test_api_reference.py checks it)",
    r"^make (synth|deploy)\b": "the infrastructure (tests/infra/test_synth.py runs make synth)",
    r"^aws ": "needs an AWS account",
    r"^STAGE=prod ": "needs an AWS account",
}
STREAM = re.compile(r"^curl -N ")  # Server-Sent Events: kept open, so run for a few seconds
ASSIGNMENT = re.compile(r"^([A-Z_]+)=")
STATUS_COMMENT = re.compile(r"#\s*(\d{3})\b")


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)


def commands(block: str) -> list[str]:
    """The block's commands: lines joined while a command continues (a trailing backslash, an open quote)."""
    found, current = [], ""
    for line in block.splitlines():
        current = f"{current}\n{line}" if current else line
        if not current.strip() or current.lstrip().startswith("#"):
            current = ""
            continue
        complete = subprocess.run(["bash", "-n", "-c", current], capture_output=True).returncode == 0
        if complete and not current.rstrip().endswith("\\"):
            found.append(current)
            current = ""
    assert not current, f"an unfinished command in the README: {current}"
    return found


def readme_commands() -> list[str]:
    return [command for block in shell_blocks(README.read_text(encoding="utf-8")) for command in commands(block)]


def not_run(command: str) -> str | None:
    return next((pattern for pattern in NOT_RUN if re.search(pattern, command)), None)


def test_the_readme_lists_what_it_does_not_run_and_names_sample_files_that_exist():
    listed = readme_commands()
    assert len(listed) > 30
    for pattern in NOT_RUN:
        assert any(re.search(pattern, command) for command in listed), f"no README command matches {pattern}"
    for command in listed:
        for sample in re.findall(r"samples/[\w.-]+", command):
            assert (ROOT / sample).is_file(), sample


def _script(listed: list[str], port: int) -> str:
    lines = []
    for number, command in enumerate(listed):
        command = command.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        if STREAM.search(command):
            command = f"timeout 4 {command}"
        lines.append(command)
        lines.append(f"printf '\\n@@README {number} %s@@\\n' $?")
        if match := ASSIGNMENT.match(command):
            lines.append(f"printf '@@VALUE %s@@\\n' \"${match[1]}\"")
    return "\n".join(lines) + "\n"


def test_every_readme_command_runs_as_written(tmp_path):
    listed = [command for command in readme_commands() if not not_run(command)]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    make = bin_dir / "make"  # `make test` has installed everything: no reinstall into .venv or node_modules
    make.write_text(f'#!/bin/sh\nexec {shutil.which("make")} -o .venv/.installed -o node_modules/.installed "$@"\n')
    make.chmod(0o755)

    port = free_port()
    stack = start(port, tmp_path / "ddb")
    endpoints = tmp_path / "endpoints.json"  # the stack writes it (start() puts it in the test's directory)
    try:
        assert json.loads(endpoints.read_text())["API"] == f"http://127.0.0.1:{port}/devdevdev/api/v1"
        env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", LOCAL_ENDPOINTS_FILE=str(endpoints))
        for name in ("API", "STAGE", "TABLE_NAME", "DYNAMODB_ENDPOINT"):
            env.pop(name, None)
        run = subprocess.run(
            ["bash", "-c", _script(listed, port)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
    finally:
        stop(stack)
    results = _results(run.stdout)
    assert sorted(results) == list(range(len(listed))), run.stdout[-3000:] + run.stderr[-3000:]
    for number, command in enumerate(listed):
        output, status, value = results[number]
        problem = _problem(command, output, status, value)
        assert problem is None, f"README command:\n{command}\n{problem}\noutput: {output[:500]}\n{run.stderr[-1500:]}"


def _results(stdout: str) -> dict[int, tuple[str, int, str | None]]:
    results: dict[int, tuple[str, int, str | None]] = {}
    pattern = re.compile(r"\n@@README (\d+) (\d+)@@\n(?:@@VALUE (.*?)@@\n)?")
    position = 0
    for match in pattern.finditer(stdout):
        results[int(match[1])] = (stdout[position : match.start()].strip(), int(match[2]), match[3])
        position = match.end()
    return results


def _problem(command: str, output: str, status: int, value: str | None) -> str | None:
    if STREAM.search(command):  # still open when timeout ended it, after greeting
        if status != 124 or "data:" not in output and "retry:" not in output:
            return f"the stream should stay open and greet (status {status})"
        return None
    if status != 0:
        return f"exit status {status}"
    if ASSIGNMENT.match(command):
        return None if value else "the variable it sets is empty"
    if not command.startswith("curl "):
        return None
    try:
        body = json.loads(output)
    except json.JSONDecodeError:
        return "not a JSON envelope"
    expected = STATUS_COMMENT.search("#" + command.splitlines()[-1].partition("#")[2])
    if expected and int(expected[1]) >= 400:
        if body.get("resultType") != "FAIL" or body.get("errorCode") != int(expected[1]):
            return f"expected the FAIL envelope of {expected[1]}"
        return None
    if body.get("resultType") != "SUCCESS":
        return "expected a SUCCESS envelope"
    return None


def test_the_script_reports_a_failing_command(tmp_path):
    """The checks can fail: a command that exits non-zero, a curl that prints no envelope, an empty variable."""
    listed = ["false", "curl -s http://127.0.0.1:9/nothing", "EMPTY=$(printf '')"]
    run = subprocess.run(["bash", "-c", _script(listed, 9)], capture_output=True, text=True, timeout=60)
    results = _results(run.stdout)
    problems = [_problem(command, *results[number]) for number, command in enumerate(listed)]
    assert problems == ["exit status 1", "exit status 7", "the variable it sets is empty"]
    assert _problem("curl -s x   # 400", '{"resultType":"SUCCESS"}', 0, None) == "expected the FAIL envelope of 400"
    assert _problem("curl -s x", "", 0, None) == "not a JSON envelope"
    assert Path(README).is_file()
