"""The build keeps each document's extracted text; the service serves it; every span cuts its quote.

As a user does it: ``policykg build --raw DIR`` over a folder of web pages,
Word files and PDFs, then ``policykg serve`` on the TriG it wrote, and HTTP:
GET /documents/<file> for the text, /sparql for the spans.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import httpx
import pytest

from graph.build import text_path
from graph.paths import RAW_DIR
from graph.textio import read_document
from service_fixtures import start_server, stop_server

from .seeds import ANNEX, CHENGDE

MAIN = "xuchang-2020-plan.txt"
FILES = {"chengde-web.html": (CHENGDE, "html"), "chengde-print.pdf": (CHENGDE, "pdf"),
         "xuchang-annex.docx": (ANNEX, "docx")}
SPANS = """PREFIX pk: <https://w3id.org/policykg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT DISTINCT ?doc ?s ?e ?q ?page WHERE {
  ?span a pk:SourceSpan ; pk:document ?doc ; oa:start ?s ; oa:end ?e ; oa:exact ?q .
  OPTIONAL { ?span pk:page ?page }
} ORDER BY ?doc ?s ?e LIMIT 400 OFFSET %d"""


@pytest.fixture(scope="module")
def site(made, tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    raw = root / "raw"
    raw.mkdir()
    # the main plan as GB18030 text: its kept text is a UTF-8 copy
    (raw / MAIN).write_bytes((RAW_DIR / MAIN).read_text("utf-8").encode("gb18030"))
    manifest = f'[[document]]\nfile = "{MAIN}"\ncity = "许昌"\n'
    for name, (seed, fmt) in FILES.items():
        shutil.copy(made(seed, fmt), raw / name)
        city = "承德" if seed == CHENGDE else "许昌"
        extra = f'annex_of = "{MAIN}"\n' if seed == ANNEX else ""
        manifest += f'[[document]]\nfile = "{name}"\ncity = "{city}"\n{extra}'
    (raw / "sources.toml").write_text(manifest, "utf-8")
    done = subprocess.run([sys.executable, "-c", "from service.cli import app; app()", "build", "--raw", str(raw),
                           "--no-serve-cache"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    srv = start_server("--data", str(root / "policykg.trig"), env={"POLICYKG_CACHE": "0"})
    yield root, srv
    stop_server(srv)


def test_the_build_keeps_every_document_s_text(site):
    root, _ = site
    for name in [MAIN, *FILES]:
        kept = text_path(root, name)
        assert kept.read_bytes().decode("utf-8") == read_document(root / "raw" / name).text


def _spans(url: str) -> list[dict]:
    rows, offset = [], 0
    while True:
        r = httpx.get(url + "/sparql", params={"query": SPANS % offset},
                      headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert r.status_code == 200, r.text
        page = r.json()["results"]["bindings"]
        rows += page
        if len(page) < 400:
            return rows
        offset += 400


def test_every_span_cuts_its_quote_from_the_served_text(site):
    root, srv = site
    texts = {}
    for name in [MAIN, *FILES]:
        r = httpx.get(f"{srv.url}/documents/{name}", timeout=30)
        assert r.status_code == 200 and r.headers["content-type"] == "text/plain; charset=utf-8"
        texts[name] = r.text
    spans = _spans(srv.url)
    sources = {name: read_document(root / "raw" / name) for name in texts}
    by_doc: dict[str, int] = {}
    for row in spans:
        doc, s, e, quote = row["doc"]["value"], int(row["s"]["value"]), int(row["e"]["value"]), row["q"]["value"]
        assert texts[doc][s:e] == quote, (doc, s, e, quote)
        by_doc[doc] = by_doc.get(doc, 0) + 1
        if doc.endswith(".pdf"):  # PDF spans say on which page they start
            assert int(row["page"]["value"]) == sources[doc].page_of(s)
        else:
            assert "page" not in row
    assert set(by_doc) == {MAIN, *FILES} and min(by_doc.values()) > 20


def test_unknown_names_and_paths_are_not_found(site):
    _, srv = site
    for path in ("/documents/nothing.txt", "/documents/sources.toml", "/documents/..%2Fpolicykg.trig",
                 "/documents/%2E%2E", "/documents/chengde-web.html.txt"):
        r = httpx.get(srv.url + path, timeout=10)
        assert r.status_code == 404, path


def test_a_raw_folder_served_in_memory_serves_its_files_decoded(site):
    root, _ = site
    srv = start_server("--data", str(root / "raw"))
    try:
        for name in FILES:
            r = httpx.get(f"{srv.url}/documents/{name}", timeout=60)
            assert r.status_code == 200
            assert r.text == text_path(root, name).read_bytes().decode("utf-8")
    finally:
        stop_server(srv)


def test_the_bundled_dataset_serves_its_texts(client):
    r = client.get("/documents/chengde-2021-plan.txt")
    assert r.status_code == 200 and r.text == (RAW_DIR / "chengde-2021-plan.txt").read_text("utf-8")
