"""NCBI E-utilities, as NCBI's usage rules ask: `tool` and `email` on every request, the API key from the
NCBI_API_KEY environment variable (never printed or logged), at most 3 requests a second (10 with a key), and
retries with backoff when the service says it is busy (429) or fails (5xx). Standard library only (urllib).

https://www.ncbi.nlm.nih.gov/books/NBK25497/ (usage rules), NBK25499 (esearch, efetch parameters)."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ldn_bot import __version__
from ldn_bot.config import PubMedConfig
from ldn_bot.errors import NetworkError

URL_VARIABLE = "LDN_BOT_EUTILS_URL"
KEY_VARIABLE = "NCBI_API_KEY"
RETRIES = 4  # after the first try, on 429 and 5xx
BACKOFF_SECONDS = 1.0  # the first wait; doubled each time, unless the server sends Retry-After
BATCH = 200  # ids per efetch request (NCBI: use POST beyond about 200)


@dataclass
class Eutils:
    """A client of E-utilities at `base_url`. `sleep` and `clock` are time.sleep and time.monotonic unless a
    test passes its own."""

    base_url: str
    tool: str = "ldn-bot"
    email: str | None = None
    api_key: str | None = None
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: PubMedConfig, environ: Any = None) -> Eutils:
        """The client the settings describe; $LDN_BOT_EUTILS_URL overrides the URL, $NCBI_API_KEY adds a key."""
        env = os.environ if environ is None else environ
        return cls(base_url=env.get(URL_VARIABLE) or settings.eutils_url, tool=settings.tool,
                   email=settings.email, api_key=env.get(KEY_VARIABLE) or None, timeout=settings.timeout)

    @property
    def interval(self) -> float:
        """Seconds between the starts of two requests: NCBI allows 3 a second, 10 with an API key."""
        return 1 / 10 if self.api_key else 1 / 3

    def get(self, tool: str, params: dict[str, str]) -> bytes:
        """The body of `<base_url>/<tool>` (esearch.fcgi, efetch.fcgi, ...) for `params`, with the identifying
        parameters added. NetworkError (one line, never the key) if it cannot be had."""
        query = {**params, "tool": self.tool}
        if self.email:
            query["email"] = self.email
        if self.api_key:
            query["api_key"] = self.api_key
        url = self.base_url.rstrip("/") + "/" + tool
        data = urllib.parse.urlencode(query).encode()
        where = f"NCBI E-utilities at {self.base_url}"
        for attempt in range(RETRIES + 1):
            self._wait_turn()
            try:
                request = urllib.request.Request(url, data=data, headers={"User-Agent": f"ldn-bot/{__version__}"})
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body: bytes = response.read()
                    return body
            except urllib.error.HTTPError as e:
                if (e.code == 429 or e.code >= 500) and attempt < RETRIES:
                    self.sleep(_retry_after(e.headers.get("Retry-After")) or BACKOFF_SECONDS * 2 ** attempt)
                    continue
                raise NetworkError(f"{where} answered {e.code} {e.reason}"
                                   + (f" after {attempt + 1} tries" if attempt else "")) from None
            except ValueError:  # not a URL at all
                raise NetworkError(f"not a URL: '{self.base_url}' (settings pubmed.eutils_url, or "
                                   f"${URL_VARIABLE})") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                reason = getattr(e, "reason", None) or e
                raise NetworkError(f"cannot reach {where} ({_plain(reason)}): check the connection, or set "
                                   f"{URL_VARIABLE}") from None
        raise AssertionError("unreachable")

    def _wait_turn(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            self.sleep(self.interval - (now - self._last))
            now = self.clock()
        self._last = now

    def esearch(self, term: str, since: str | None = None, limit: int = 10_000) -> list[str]:
        """PMIDs of PubMed records matching `term` (added to PubMed on or after `since`, YYYY/MM/DD), newest
        first."""
        params = {"db": "pubmed", "term": term, "retmode": "json", "retmax": str(limit), "sort": "pub_date"}
        if since:
            params.update(datetype="edat", mindate=since, maxdate="3000")
        body = self.get("esearch.fcgi", params)
        try:
            result = json.loads(body)["esearchresult"]
        except (ValueError, KeyError, TypeError):
            raise NetworkError(f"NCBI E-utilities at {self.base_url} sent an esearch answer that is not the "
                               "expected JSON") from None
        if "ERROR" in result:
            raise NetworkError(f"PubMed search failed: {result['ERROR']}")
        return [str(pmid) for pmid in result.get("idlist", [])]

    def efetch(self, pmids: Sequence[str]) -> Iterator[str]:
        """PubMed XML (a PubmedArticleSet) for `pmids`, BATCH ids per request."""
        for start in range(0, len(pmids), BATCH):
            ids = ",".join(pmids[start:start + BATCH])
            yield self.get("efetch.fcgi", {"db": "pubmed", "id": ids, "retmode": "xml"}).decode("utf-8", "replace")


def _retry_after(value: str | None) -> float | None:
    try:
        return min(float(value), 60.0) if value else None
    except ValueError:
        return None


def _plain(reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason)
    return text.replace("[Errno 111] ", "").strip() or "no answer"
