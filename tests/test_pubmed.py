"""`ldn-bot corpus fetch` and `corpus watch` against a local server on 127.0.0.1 that replays recorded
E-utilities answers (tests/fixtures/eutils/): no network. NCBI's rules checked: tool/email, the API key from the
environment and never printed, at most 3 requests a second (10 with a key), retries on 429/5xx."""

from __future__ import annotations

import re
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from ldn_bot.config import PubMedConfig
from ldn_bot.corpus.importing import eutils
from ldn_bot.corpus.importing.eutils import Eutils
from ldn_bot.errors import NetworkError
from ldn_bot.frontends.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "eutils"


class Replay(ThreadingHTTPServer):
    """Answers esearch with the recorded JSON and efetch with the recorded articles whose PMIDs were asked for;
    the first `failures` requests get `failure_code`. `requests`: (tool, parameters) of each request."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.failures = 0
        self.failure_code = 429

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/entrez/eutils/"


class Handler(BaseHTTPRequestHandler):
    server: Replay

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        tool = self.path.rsplit("/", 1)[-1]
        self.server.requests.append((tool, params))
        if self.server.failures:
            self.server.failures -= 1
            self.send_response(self.server.failure_code)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        if tool == "esearch.fcgi":
            body = (FIXTURES / "esearch.json").read_bytes()
        elif tool == "efetch.fcgi":
            body = recorded_articles(params["id"].split(","))
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def recorded_articles(pmids: list[str]) -> bytes:
    text = (FIXTURES / "efetch.xml").read_text(encoding="utf-8")
    root = ET.fromstring(text)
    for article in list(root):
        if article.findtext("MedlineCitation/PMID") not in pmids:
            root.remove(article)
    return b'<?xml version="1.0" ?>\n' + ET.tostring(root)


@pytest.fixture
def server(monkeypatch) -> Iterator[Replay]:
    replay = Replay()
    thread = threading.Thread(target=replay.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("LDN_BOT_EUTILS_URL", replay.url)
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    monkeypatch.setattr(eutils, "BACKOFF_SECONDS", 0.01)
    yield replay
    replay.shutdown()
    replay.server_close()


def run(site: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(site / "bot_config.yaml"), "corpus", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_fetch_drafts_an_unreviewed_record_from_pubmed(site, capsys, server):
    code, out, err = run(site, capsys, "fetch", "99000101", "38258677", "99000999")
    assert code == 0, err
    path = site / "corpus/studies/fictus-2024.yaml"
    assert f"added {path}" in out
    assert "skipped PMID 38258677" in out and "same PMID" in out  # Bruun 2024 is in the corpus
    assert "skipped PMID 99000999: PubMed has no record" in out
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["pmid"] == "99000101" and record["doi"] == "10.99999/fict.2024.101"
    assert record["reviewed"] is False and record["design"] == "randomized controlled trial"
    assert record["title"].startswith("Low-dose naltrexone for fibromyalgia pain")
    tool, params = server.requests[-1]
    assert tool == "efetch.fcgi" and params["db"] == "pubmed" and params["retmode"] == "xml"
    assert params["tool"] == "ldn-bot" and "api_key" not in params
    assert run(site, capsys, "validate")[0] == 0  # the draft passes validation, unreviewed


def test_watch_lists_what_the_corpus_lacks_newest_first(site, capsys, server):
    code, out, err = run(site, capsys, "watch", "--since", "2024-01")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("2025  PMID 99000102") and "case report" in lines[0] and "long COVID" in lines[0]
    assert lines[1].startswith("2024  PMID 99000101") and "randomized controlled trial" in lines[1]
    assert "38258677" not in out  # already in the corpus
    assert "2 publications added to PubMed since 2024-01 not in the corpus" in lines[2]
    search = server.requests[0][1]
    assert search["term"].startswith('"low dose naltrexone"') and search["mindate"] == "2024/01/01"
    assert search["datetype"] == "edat"
    assert server.requests[1][1]["id"].split(",") == ["99000102", "99000101"]  # only what the corpus lacks


def test_watch_and_fetch_fail_with_one_line_when_eutils_cannot_be_reached(site, capsys, monkeypatch):
    monkeypatch.setenv("LDN_BOT_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")  # nothing listens on port 9
    for args in (("watch",), ("fetch", "99000101")):
        code, out, err = run(site, capsys, *args)
        assert code == 1 and out == ""
        assert err.count("\n") == 1 and "cannot reach NCBI E-utilities at http://127.0.0.1:9" in err
        assert "Traceback" not in err


def test_the_api_key_comes_from_the_environment_and_is_never_printed(site, capsys, server, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "secret-key-123")
    server.failures, server.failure_code = 10, 500  # fails every time: the error line must not show the key
    code, out, err = run(site, capsys, "fetch", "99000101")
    assert code == 1 and "500" in err and "secret-key-123" not in out + err
    assert all(params["api_key"] == "secret-key-123" for _, params in server.requests)
    assert len(server.requests) == eutils.RETRIES + 1


def test_busy_answers_are_retried_with_backoff(site, capsys, server):
    server.failures = 2
    code, out, err = run(site, capsys, "fetch", "99000101")
    assert code == 0 and "added" in out, err
    assert [tool for tool, _ in server.requests] == ["efetch.fcgi"] * 3


def test_requests_are_spaced_three_a_second_or_ten_with_a_key(server):
    waits: list[float] = []
    clock = [0.0]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    for key, gap in ((None, 1 / 3), ("k", 1 / 10)):
        waits.clear()
        client = Eutils.from_settings(PubMedConfig(), {"LDN_BOT_EUTILS_URL": server.url, **({"NCBI_API_KEY": key}
                                                                                               if key else {})})
        client.sleep, client.clock = sleep, lambda: clock[0]
        for _ in range(3):
            client.esearch("naltrexone")
        assert waits == [pytest.approx(gap)] * 2  # no wait before the first, one gap before each other


def test_email_from_the_settings_is_sent(server):
    client = Eutils.from_settings(PubMedConfig(email="curators@example.org"), {"LDN_BOT_EUTILS_URL": server.url})
    assert client.esearch("naltrexone") == ["99000102", "38258677", "99000101"]
    assert server.requests[-1][1]["email"] == "curators@example.org"


def test_bad_input_is_a_usage_error(site, capsys, server):
    code, _, err = run(site, capsys, "fetch", "12ab")
    assert code == 2 and "not a PMID: 12ab" in err
    code, _, err = run(site, capsys, "watch", "--since", "last tuesday")
    assert code == 2 and "--since wants a date" in err
    assert not server.requests
    with pytest.raises(NetworkError, match=re.escape("not a URL")):
        Eutils.from_settings(PubMedConfig(), {"LDN_BOT_EUTILS_URL": "nowhere"}).esearch("x")
