"""A small client for the WhatsApp Cloud (Graph) API with retries.

Rate limits (130429, 131056), server errors and timeouts are retried with
exponential backoff; after the last attempt the call is given up with a log
line that names the error but never the phone number.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

RETRY_CODES = frozenset({130429, 131056, 1, 2, 4, 80007})


class GraphAPIError(RuntimeError):
    """The Graph API refused a call, or kept failing after the retries."""


@dataclass(frozen=True)
class GraphSettings:
    base_url: str
    api_version: str
    phone_number_id: str
    access_token: str
    timeout_seconds: float = 10.0
    attempts: int = 4
    backoff_seconds: float = 0.5


class GraphClient:
    def __init__(self, settings: GraphSettings) -> None:
        self.settings = settings

    @property
    def _url(self) -> str:
        s = self.settings
        return f"{s.base_url.rstrip('/')}/{s.api_version}/{s.phone_number_id}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.settings.access_token}"}

    async def send_message(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call("messages", json=body)

    async def upload_png(self, data: bytes, filename: str = "uitslag.png") -> str:
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", "image/png")
        form.add_field("file", data, filename=filename, content_type="image/png")
        answer = await self._call("media", data=form)
        media_id = answer.get("id")
        if not isinstance(media_id, str):
            raise GraphAPIError("media upload gave no id")
        return media_id

    async def _call(self, path: str, **kwargs: Any) -> dict[str, Any]:
        s = self.settings
        timeout = aiohttp.ClientTimeout(total=s.timeout_seconds)
        problem = "no attempt made"
        for attempt in range(1, s.attempts + 1):
            try:
                async with (
                    aiohttp.ClientSession(timeout=timeout) as session,
                    session.post(
                        f"{self._url}/{path}", headers=self._headers(), **kwargs
                    ) as response,
                ):
                    answer = await response.json(content_type=None)
                    if response.status < 400:
                        return answer if isinstance(answer, dict) else {}
                    code = ((answer or {}).get("error") or {}).get("code")
                    problem = f"HTTP {response.status}, error code {code}"
                    if response.status < 500 and code not in RETRY_CODES:
                        raise GraphAPIError(problem)
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                problem = f"{type(exc).__name__}"
            if attempt < s.attempts:
                await asyncio.sleep(s.backoff_seconds * 2 ** (attempt - 1))
        logger.error("WhatsApp %s call given up after %d attempts: %s", path, s.attempts, problem)
        raise GraphAPIError(problem)
