"""The documentation site: every page in both languages, and the built site looked at in a real
browser.

The fast checks read the files: every page of docs/ has its Chinese twin (`page.md` and
`page.zh.md`, each notebook `.en.ipynb` and `.zh.ipynb`) and every page the nav of mkdocs.yml
names exists. The slow one builds the site as CI does (`mkdocs build --strict`), serves it on
127.0.0.1 from a thread, and loads the English and Chinese home pages, the chapter notebook and
an API page in headless Chromium: the rendered DOM must hold the title, the notebook's figure,
Chinese text on the Chinese pages, the API's numpydoc sections, and nav links that all lead to
pages that were built. Screenshots of each page are saved to a folder the test prints
(`LINSCRATCH_SCREENSHOTS`, or the test's temporary folder), to be opened and looked at. It
skips, saying why, where Chromium (Debian's `chromium`, which .ci/run installs) or the `docs`
dependency group is absent.

Another slow test opens TensorBoard's own page on a run of the book's: `train --tensorboard`
writes its files, TensorBoard (the `tensorboard` package of the dev group) serves them on
127.0.0.1, and headless Chromium loads its Time Series dashboard, TensorBoard's scalars page
(the classic Scalars tab draws inside shadow roots, which `--dump-dom` does not show): the
DOM must name the run and each scalar tag, with the last step and the last value the run
reported. Its screenshot goes beside the site's.
"""

from __future__ import annotations

import functools
import html.parser
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHINESE = re.compile("[\u4e00-\u9fff]")


def pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*") if p.suffix in (".md", ".ipynb"))


def nav_entries() -> list[str]:
    """The files the nav of mkdocs.yml names (`- guide/train.md`), in order."""
    text = (ROOT / "mkdocs.yml").read_text()
    nav = text[text.index("\nnav:") : text.index("\nplugins:")]
    return re.findall(r"^\s*- (?:[^:\n]+: )?(\S+\.(?:md|ipynb))$", nav, flags=re.MULTILINE)


def test_the_readme_is_a_front_door():
    """At most 200 lines: the rest is the site's."""
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines"
    assert "uv run --group docs mkdocs serve" in "\n".join(lines)


def test_every_page_has_its_twin():
    names = {p.relative_to(DOCS).as_posix() for p in pages()}
    english = {n for n in names if not re.search(r"\.(zh|en)\.(md|ipynb)$", n)}
    english |= {n.replace(".en.", ".") for n in names if ".en." in n}
    chinese = {re.sub(r"\.zh\.", ".", n) for n in names if ".zh." in n}
    assert english == chinese, (
        f"without a Chinese twin: {sorted(english - chinese)}; "
        f"without an English one: {sorted(chinese - english)}"
    )


def test_the_nav_names_pages_that_exist():
    entries = nav_entries()
    assert "index.md" in entries and "architecture.md" in entries
    assert "notebooks/chapter.ipynb" in entries and "api.md" in entries
    for entry in entries:
        stem, suffix = entry.rsplit(".", 1)
        found = [DOCS / entry, DOCS / f"{stem}.en.{suffix}"]
        assert any(p.exists() for p in found), f"mkdocs.yml's nav names {entry}, not in docs/"
        assert (DOCS / f"{stem}.zh.{suffix}").exists(), f"{entry} has no Chinese twin"


def test_every_page_is_in_the_nav():
    entries = {re.sub(r"\.(md|ipynb)$", "", e) for e in nav_entries()}
    for page in pages():
        stem = re.sub(r"(\.(en|zh))?\.(md|ipynb)$", "", page.relative_to(DOCS).as_posix())
        assert stem in entries, f"docs/{page.relative_to(DOCS)} is in no nav entry of mkdocs.yml"


# --- the built site in a browser ---------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


class _Visible(html.parser.HTMLParser):
    """A page's visible text, handed to `seen` (the text inside scripts and styles is not);
    `opened(tag, attrs)` hears of every other tag."""

    def __init__(self):
        super().__init__()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        else:
            self.opened(tag, dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.seen(data)

    def opened(self, tag, attrs):
        pass

    def seen(self, data):
        pass


class _Links(_Visible):
    """The hrefs of the nav's links (`md-nav__link`), and the text outside scripts."""

    def __init__(self):
        super().__init__()
        self.nav, self.text = [], []

    def opened(self, tag, attrs):
        if tag == "a" and "md-nav__link" in (attrs.get("class") or "") and attrs.get("href"):
            self.nav.append(attrs["href"])

    def seen(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built by `mkdocs build --strict` and served on 127.0.0.1: its base URL."""
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("the docs dependency group is not installed: uv sync --group docs")
    if _chromium() is None:
        pytest.skip("no Chromium: apt-get install chromium (what .ci/run installs)")
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, build.stderr[-3000:]
    handler = functools.partial(_Quiet, directory=str(out))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """Chromium closes connections it no longer needs: not an error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = os.environ.get("LINSCRATCH_SCREENSHOTS")
    folder = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the site: {folder}")
    return folder


def browse(
    url: str, screenshot: Path, height: int = 1400, budget: int = 4000, extra: tuple = ()
) -> str:
    """The DOM of `url` as headless Chromium renders it; a screenshot of its first `height`
    pixels (1280 wide) to `screenshot`. `budget`: the milliseconds of virtual time the page's
    scripts are given; `extra`: more flags for Chromium."""
    flags = [
        _chromium(),
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        f"--window-size=1280,{height}",
        f"--virtual-time-budget={budget}",  # let the page's scripts run
        *extra,
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    subprocess.run(
        [*flags, f"--screenshot={screenshot}", url], capture_output=True, timeout=120, check=True
    )
    assert screenshot.stat().st_size > 10_000, f"an empty screenshot of {url}"
    return dom


def assert_nav_resolves(base: str, url: str, dom: str) -> None:
    """Every link of the page's nav answers 200 from the served site (no 404 in the nav)."""
    parser = _Links()
    parser.feed(dom)
    assert len(parser.nav) >= 10, f"{url}: a nav of {len(parser.nav)} links"
    for href in set(parser.nav):
        target = urllib.parse.urljoin(url, href).split("#")[0]
        assert target.startswith(base), f"{url}: the nav leaves the site: {href}"
        try:
            with urllib.request.urlopen(target, timeout=10) as answer:
                assert answer.status == 200
        except urllib.error.HTTPError as error:
            pytest.fail(f"{url}: nav link {href} answers {error.code}")


def visible_text(dom: str) -> str:
    parser = _Links()
    parser.feed(dom)
    return " ".join("".join(parser.text).split())


@pytest.mark.slow  # builds the site and starts Chromium eight times
def test_the_site_in_a_browser(site, screenshots):
    home = browse(site, screenshots / "home.en.png")
    assert re.search(r"<title>linscratch</title>", home), "English home: no title"
    assert 'lang="en"' in home and "minibatch stochastic gradient descent" in visible_text(home)
    assert_nav_resolves(site, site, home)

    zh_url = site + "zh/"
    zh = browse(zh_url, screenshots / "home.zh.png")
    assert re.search(r"<title>[^<]*从零开始的线性回归</title>", zh), "Chinese home: no title"
    assert 'lang="zh"' in zh
    assert len(CHINESE.findall(visible_text(zh))) > 200, "the Chinese home has little Chinese"
    # a line break of the Markdown between two Chinese characters is no space (docs/hooks.py)
    assert "每个命令都能输出 JSON；错误的输入" in visible_text(zh)
    assert_nav_resolves(site, zh_url, zh)

    chapter_url = site + "notebooks/chapter/"
    chapter = browse(chapter_url, screenshots / "chapter.en.png", height=9000)  # to the fit
    assert "<title>Linear regression from scratch - linscratch</title>" in chapter
    figures = re.findall(r'<img[^>]+src="data:image/(?:png|svg\+xml)[^"]{1000,}"', chapter)
    assert figures, "the chapter notebook's page shows no figure"
    assert "epoch 3, loss" in visible_text(chapter)  # its outputs, committed
    assert_nav_resolves(site, chapter_url, chapter)

    zh_chapter = browse(zh_url + "notebooks/chapter/", screenshots / "chapter.zh.png", height=9000)
    assert "线性回归的从零开始实现" in zh_chapter and "w的估计误差" in visible_text(zh_chapter)

    api = browse(site + "api/", screenshots / "api.en.png")
    text = visible_text(api)
    assert 'id="linscratch.train.loop.fit"' in api, "the API page does not document fit"
    assert "Parameters:" in text and "Returns:" in text, "no numpydoc sections rendered"
    assert "SGDLinearRegression" in text and "synthetic_data" in text


# --- TensorBoard's own page ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answer(url: str) -> dict | None:
    """The JSON `url` answers, or None while the server does not answer yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())
    except (OSError, ValueError):
        return None


@pytest.fixture
def tensorboard_of(tmp_path):
    """`serve(logdir, run, tag)`: TensorBoard started on `logdir` on 127.0.0.1 (in a process
    group of its own, with its data server), its base URL once it lists `run`'s `tag`.
    Stopped at the end of the test whatever happened; every wait bounded."""
    if importlib.util.find_spec("tensorboard") is None:
        pytest.skip("the tensorboard package is not installed: uv sync (the dev group has it)")
    if _chromium() is None:
        pytest.skip("no Chromium: apt-get install chromium (what .ci/run installs)")
    started: list[subprocess.Popen] = []
    log = tmp_path / "tensorboard.log"

    def serve(logdir: Path, run: str, tag: str, wait: float = 90) -> str:
        port = _free_port()
        command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir)]
        with log.open("wb") as out:
            started.append(
                subprocess.Popen(
                    [*command, "--host", "127.0.0.1", "--port", str(port)],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a group of its own: its data server stops with it
                )
            )
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if started[-1].poll() is not None:
                pytest.fail(f"TensorBoard ended ({started[-1].returncode}): {log.read_text()}")
            tags = _answer(base + "data/plugin/scalars/tags")
            if tags and tag in tags.get(run, {}):
                return base
            time.sleep(0.5)
        pytest.fail(f"TensorBoard did not list {run}/{tag} within {wait} s: {log.read_text()}")

    try:
        yield serve
    finally:
        for process in started:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


class _Cards(_Visible):
    """TensorBoard's Time Series cards: the tag each card's title names (`tb-truncated-path`'s
    `title`) and the visible text that follows it, to the next card."""

    def __init__(self):
        super().__init__()
        self.cards: dict[str, list[str]] = {}
        self._card: list[str] | None = None

    def opened(self, tag, attrs):
        if tag == "tb-truncated-path" and attrs.get("title"):
            self._card = self.cards.setdefault(attrs["title"], [])

    def seen(self, data):
        if self._card is not None:
            self._card.append(data)


@pytest.mark.slow  # a run, TensorBoard and Chromium twice
def test_tensorboard_shows_the_run_in_a_browser(tensorboard_of, tmp_path, screenshots):
    flags = ["--tensorboard", "logs/chapter-run", "--epochs", "3", "--seed", "1", "--json"]
    run = subprocess.run(
        [sys.executable, "-m", "linscratch", "train", *flags],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    base = tensorboard_of(tmp_path / "logs", "chapter-run", "loss/epoch")
    # The scalars of the run's loss and parameters, drawn as SVG (no WebGL in headless Chromium).
    tags = "^(loss/|w/|b$)"
    url = f"{base}?forceSVG=true&tagFilter={urllib.parse.quote(tags)}#timeseries"
    # The cards are drawn as they come into view, once their data has come: a page caught
    # before that (a fresh TensorBoard, a busy machine) is loaded again, three times at most.
    for _ in range(3):
        dom = browse(
            url,
            screenshots / "tensorboard.png",
            height=1500,  # the six cards
            budget=120_000,  # TensorBoard's scripts, past their first reload
            extra=("--run-all-compositor-stages-before-draw",),  # the charts drawn in the shot
        )
        parser = _Cards()
        parser.feed(dom)
        if parser.cards:
            break
    assert "chapter-run" in visible_text(dom), "TensorBoard's page does not name the run"
    config = report["config"]
    steps = config["num_examples"] // config["batch_size"] * config["num_epochs"]
    w = dict(zip(report["data"]["features"], report["w"], strict=True))
    expected = {  # tag: (its last step, its last value as the run reported it)
        "loss/epoch": (3, report["loss"]),
        "loss/step": (steps, None),
        "loss/exact": (3, None),
        "b": (3, report["b"]),
        **{f"w/{name}": (3, value) for name, value in w.items()},
    }
    assert set(parser.cards) == set(expected), f"the cards: {sorted(parser.cards)}"
    for tag, (step, value) in expected.items():
        text = " ".join("".join(parser.cards[tag]).split())
        # the card's table: run, smoothed value, value, step (values to 4 decimals)
        row = re.search(r"chapter-run (\S+) (\S+) (\d+) ", text)
        assert row, f"{tag}: no row of the run in its card: {text[:300]}"
        assert int(row[3]) == step, f"{tag}: its last step is {row[3]}, not {step}"
        if value is not None:
            assert float(row[2]) == pytest.approx(value, abs=1e-4), f"{tag}: {row[2]}"
    # each card's chart draws the run's line (its colour, full opacity; the raw one is faint)
    lines = re.findall(r'<path d="M[^"]+"[^>]*stroke-width: 2;', dom)
    drawn = [line for line in lines if "opacity: 1;" in line]
    assert len(drawn) == len(expected), f"{len(drawn)} lines drawn in {len(expected)} cards"
