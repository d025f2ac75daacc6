"""The structured (JSON) logger every function shares: Powertools' logger, without its HTTP event handler, so the
functions that are not HTTP (the queue's worker, the embed step, the indexer) log the same way at a lighter cold
start."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="devdevdev", json_default=str)
