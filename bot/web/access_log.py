"""Access logs without personal data: no query strings, no share codes.

The result card's URLs carry scores in the query string and the adviser's
report URLs carry a share code, so both are cut from the logged path.
"""

from __future__ import annotations

import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

_CODE_IN_PATH = re.compile(r"(/adviseur/rapport/)[^/]+")


def redact_path(path: str) -> str:
    return _CODE_IN_PATH.sub(r"\1[code]", path.split("?", 1)[0])


class RedactingAccessLogger(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.1fms",
            request.method,
            redact_path(request.path),
            response.status,
            time * 1000,
        )
