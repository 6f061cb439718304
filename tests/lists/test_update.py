"""Downloading and importing, against a local HTTP server serving the real files.

Every source URL is redirected to 127.0.0.1, and a guard fails the test if any connection goes
anywhere else.
"""

from __future__ import annotations

import gzip
import http.server
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from lxml import etree

from aktsam.errors import UnknownSourceError
from aktsam.lists.snapshots import current_snapshots, import_list, list_snapshots
from aktsam.lists.sources import packaged_sources_file
from aktsam.lists.update import DownloadError, http_fetch, update_lists
from aktsam.settings import Settings
from aktsam.store import Store, open_store
from aktsam.store.schema import SnapshotRow

UN_NEW = "un-sc-consolidated/UN_consolidated.xml"
UN_OLD = "un-sc-consolidated/un_consolidated.xml"
UN_NEW_SHA = "66b392a4090868d2d39161e8d748efd39138377b0e6e60b7921aa67a4f99c8bf"
CONS = "ofac-consolidated-nonsdn/consolidated.xml"
EU = "eu-fsf/20240513-FULL-1_1(xsd).xml"


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything tries to connect anywhere but 127.0.0.1."""
    real = socket.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        assert address[0] == "127.0.0.1", f"test tried to contact {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


class Server:
    """A local HTTP server: data/lists files, plus a few misbehaving paths."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                path = self.path.split("?")[0]
                if path == "/slow":
                    time.sleep(3)
                if path == "/truncated":
                    self.send_response(200)
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    self.wfile.write(b"<CONSOLIDATED_LIST>")
                    return
                if path.startswith("/gzip/"):
                    body = gzip.compress((root / path.removeprefix("/gzip/")).read_bytes())
                    self.send_response(200)
                    self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().do_GET()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(lists_dir: Path, tmp_path: Path) -> Iterator[Server]:
    www = tmp_path / "www"
    shutil.copytree(lists_dir, www, copy_function=os.symlink)  # served as they are, no copies
    running = Server(www)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def configure(
    tmp_path: Path, settings: Settings, server: Server
) -> Iterator[Callable[..., tuple[Settings, Store]]]:
    """Point every catalogue URL at the local server (``paths`` per source), open a store."""
    opened: list[Store] = []

    def make(paths: dict[str, str | list[str]], **changes: Any) -> tuple[Settings, Store]:
        document = yaml.safe_load(packaged_sources_file().read_text())
        for name, entry in document.items():
            path = paths.get(name, "/not-configured")
            if isinstance(path, list):  # several files, saved under their own names
                entry["downloads"] = [
                    {"url": server.base + p, "file": p.rsplit("/", 1)[1]} for p in path
                ]
                continue
            url = path if path.startswith("http") else server.base + path
            entry["downloads"][0]["url"] = url
        sources_file = tmp_path / "sources.yml"
        sources_file.write_text(yaml.safe_dump(document))
        fields = {"sources_file": sources_file, "http_timeout": 5.0, **changes}
        configured = Settings(settings.home, settings.database_url, **fields)
        store = open_store(configured)
        opened.append(store)
        return configured, store

    yield make
    for store in opened:
        store.close()


def test_update_downloads_and_imports(
    configure: Callable[..., tuple[Settings, Store]], server: Server, lists_dir: Path
) -> None:
    settings, store = configure({"un-sc": f"/{UN_NEW}", "ofac-cons": f"/{CONS}"})
    before = time.time()
    results = update_lists(store, settings, ["un-sc", "ofac-cons"])
    assert [(r.source, r.status, r.error) for r in results] == [
        ("un-sc", "imported", None),
        ("ofac-cons", "imported", None),
    ]
    un = results[0]
    assert un.path is not None and un.result is not None
    assert un.path.parent == settings.downloads_dir / "un-sc"
    assert un.path.name.endswith("Z-consolidated.xml")
    assert un.path.read_bytes() == (lists_dir / UN_NEW).read_bytes()
    snap = un.result.snapshot
    assert (snap.url, snap.origin, snap.sha256) == (
        server.base + f"/{UN_NEW}",
        "download",
        UN_NEW_SHA,
    )
    assert snap.retrieved_at is not None and snap.retrieved_at.timestamp() >= before - 1
    assert results[1].result is not None and results[1].result.snapshot.entity_count == 443
    assert all(agent.startswith("aktsam/") for _, agent in server.requests)

    again = update_lists(store, settings, ["un-sc"])
    assert [(r.status, r.path) for r in again] == [("unchanged", None)]
    assert list((settings.downloads_dir / "un-sc").iterdir()) == [un.path]
    assert len(list_snapshots(store, "un-sc")) == 1


def test_failures_stay_with_their_source(
    configure: Callable[..., tuple[Settings, Store]], lists_dir: Path
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()
    settings, store = configure(
        {
            "un-sc": "/no/such/file.xml",
            "ofac-cons": f"/{CONS}",
            "uk-hmt": f"/{UN_NEW}",  # a UN XML file served as the UK CSV
            "us-csl": f"http://127.0.0.1:{dead_port}/consolidated.csv",
            "ofac-sdn": "/truncated",
        }
    )
    previous = import_list(store, lists_dir / UN_OLD, "un-sc").snapshot

    results = {
        r.source: r
        for r in update_lists(
            store, settings, ["un-sc", "ofac-cons", "uk-hmt", "us-csl", "ofac-sdn"]
        )
    }
    assert {s: r.status for s, r in results.items()} == {
        "un-sc": "failed",
        "ofac-cons": "imported",
        "uk-hmt": "failed",
        "us-csl": "failed",
        "ofac-sdn": "failed",
    }
    assert "HTTP 404" in (results["un-sc"].error or "")
    assert "import refused" in (results["uk-hmt"].error or "")
    assert (
        results["uk-hmt"].path is not None and results["uk-hmt"].path.is_file()
    )  # kept to inspect
    assert "cannot reach server" in (results["us-csl"].error or "")
    assert "truncated: received 19 of 100000 bytes" in (results["ofac-sdn"].error or "")
    assert {s.source: s.id for s in current_snapshots(store)} == {
        "un-sc": previous.id,
        "ofac-cons": results["ofac-cons"].result.snapshot.id,  # type: ignore[union-attr]
    }
    # failed downloads leave no partial files behind
    for source in ("un-sc", "us-csl", "ofac-sdn"):
        assert not list((settings.downloads_dir / source).glob("*"))


def test_suspicious_file_is_refused(
    configure: Callable[..., tuple[Settings, Store]], server: Server, lists_dir: Path
) -> None:
    tree = etree.parse(str(lists_dir / UN_NEW))
    for container in tree.getroot():
        for child in list(container)[1:]:
            container.remove(child)
    tree.write(str(server.root / "short.xml"), xml_declaration=True, encoding="utf-8")
    settings, store = configure({"un-sc": "/short.xml"})
    [result] = update_lists(store, settings, ["un-sc"])
    assert result.status == "failed"
    assert "suspicious: 2 entities" in (result.error or "")
    assert current_snapshots(store) == []
    [forced] = update_lists(store, settings, ["un-sc"], force=True)
    assert forced.status == "imported"


def test_timeout(configure: Callable[..., tuple[Settings, Store]]) -> None:
    settings, store = configure({"un-sc": "/slow"}, http_timeout=0.5)
    started = time.perf_counter()
    [result] = update_lists(store, settings, ["un-sc"])
    assert result.status == "failed" and "timed out" in (result.error or "")
    assert time.perf_counter() - started < 3


def test_gzip_content_encoding(configure: Callable[..., tuple[Settings, Store]]) -> None:
    settings, store = configure({"un-sc": f"/gzip/{UN_NEW}"})
    [result] = update_lists(store, settings, ["un-sc"])
    assert result.status == "imported" and result.result is not None
    assert result.result.snapshot.sha256 == UN_NEW_SHA


def test_eu_token(configure: Callable[..., tuple[Settings, Store]], server: Server) -> None:
    settings, store = configure({"eu-fsf": f"/{EU}?token={{token}}"})
    [skipped] = update_lists(store, settings, ["eu-fsf"])
    assert skipped.status == "skipped"
    assert "AKTSAM_EU_FSF_TOKEN" in (skipped.error or "")
    assert server.requests == []

    settings, store = configure({"eu-fsf": f"/{EU}?token={{token}}"}, eu_fsf_token="s3cret")
    [result] = update_lists(store, settings, ["eu-fsf"])
    assert result.status == "imported", result.error
    assert server.requests[-1][0].endswith("?token=s3cret")
    assert result.url is not None and result.url.endswith("?token=***")
    assert result.result is not None and "s3cret" not in (result.result.snapshot.url or "")
    with store.session() as session:
        assert "s3cret" not in str(session.scalars(sa.select(SnapshotRow.url)).all())


def test_injected_fetch(configure: Callable[..., tuple[Settings, Store]], lists_dir: Path) -> None:
    settings, store = configure({})
    seen: list[str] = []

    def fetch(url: str, dest: Path) -> None:
        seen.append(url)
        if "CONSOLIDATED" in url:
            raise OSError("no route")
        shutil.copyfile(lists_dir / UN_NEW, dest)

    document = yaml.safe_load(packaged_sources_file().read_text())
    real_urls = [document[s]["downloads"][0]["url"] for s in ("un-sc", "ofac-cons")]
    settings = Settings(settings.home, settings.database_url)  # the packaged catalogue
    results = update_lists(store, settings, ["un-sc", "ofac-cons"], fetch=fetch)
    assert seen == real_urls
    assert [(r.status, r.error) for r in results] == [
        ("imported", None),
        ("failed", "download failed: OSError: no route"),
    ]


def test_unknown_source(configure: Callable[..., tuple[Settings, Store]], server: Server) -> None:
    settings, store = configure({})
    with pytest.raises(UnknownSourceError, match="un-xx"):
        update_lists(store, settings, ["un-sc", "un-xx"])
    assert server.requests == []


def test_http_fetch_refuses_other_schemes(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="only http and https"):
        http_fetch("file:///etc/passwd", tmp_path / "x", timeout=1)


def test_multi_file_source(configure: Callable[..., tuple[Settings, Store]]) -> None:
    """A source published as several files (OFAC's CSV set) is downloaded into one folder."""
    names = ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"]
    settings, store = configure({"ofac-cons": [f"/ofac-consolidated-nonsdn/{n}" for n in names]})
    [result] = update_lists(store, settings, ["ofac-cons"])
    assert result.status == "imported", result.error
    assert result.path is not None and result.path.is_dir()
    assert sorted(p.name for p in result.path.iterdir()) == sorted(names)
    assert result.result is not None and result.result.snapshot.entity_count == 442
    assert result.url is not None and result.url.count("http://127.0.0.1") == 4


def test_older_download_is_refused_unless_forced(
    configure: Callable[..., tuple[Settings, Store]], lists_dir: Path
) -> None:
    """A mirror serving last year's file must not roll the list back (issue 9, point 6)."""
    settings, store = configure({"un-sc": f"/{UN_OLD}"})
    current = import_list(store, lists_dir / UN_NEW, "un-sc").snapshot
    [refused] = update_lists(store, settings, ["un-sc"])
    assert refused.status == "failed"
    assert "import refused" in (refused.error or "") and "older un-sc publication" in (
        refused.error or ""
    )
    assert [s.id for s in current_snapshots(store)] == [current.id]
    assert len(list_snapshots(store, "un-sc")) == 1
    [forced] = update_lists(store, settings, ["un-sc"], force=True, actor="admin@example.org")
    assert forced.status == "imported" and forced.result is not None
    assert forced.result.rollback is not None
    assert forced.result.snapshot.label == "un-sc@2024-05-15"
