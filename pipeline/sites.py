"""Chrome learned across a site: lines that recur on many pages of one site.

A site's banner, tagline, sidebar and footer come back on every page, often in words no
general chrome rule knows ("Leadership Lab, notes on teams"). Counted over the site's pages,
such a line recurs on most of them, while the post and the comments do not. So a line is
chrome for a site when it is on at least ``min_pages`` of the site's pages and on at least
``min_share`` of them; cleaning then removes it with reason ``site_repeated``.

A page's site is the host of its URL where it has one, else the folder it was read from
(or the crawl dump it came from). A folder is weaker evidence of one site than a host (a
folder may mix pages of many sites, which can quote the same famous sentence), so there
only lines that are not sentences count: fragments with no final ``.``, ``!`` or ``?``.

Counting works in bounded memory over any number of pages: each page adds the 64-bit keys
of its candidate lines; past ``spill_rows`` pairs, pairs are written to Parquet files
partitioned by site, and each partition is counted on its own at the end.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.clean import CleanSettings, line_key, prose_lines

SiteChrome = Mapping[str, frozenset[int]]
"""For each site with learned chrome: the ``line_key`` of each of its chrome lines."""

_NO_LINES: frozenset[int] = frozenset()


def lines_of(chrome: SiteChrome, site: str) -> frozenset[int]:
    """The chrome line keys learned for ``site`` (none if it learned nothing)."""
    return chrome.get(site, _NO_LINES)


@dataclass(frozen=True)
class SiteSettings:
    """Named settings of site-learned chrome."""

    min_pages: int = 3
    """A line must recur on at least this many pages of its site (so sites of one or two
    pages learn nothing)."""
    min_share: float = 0.5
    """... and on at least this share of the site's pages."""
    spill_rows: int = 2_000_000
    """(site, line) pairs held in memory before they are written to partition files."""
    partitions: int = 16


def site_of(url: str | None, source: str) -> str:
    """The site of a page: its URL's host (without ``www.``), else ``dir:`` and the folder
    of its source, or ``file:`` and the crawl dump a record came from."""
    if url:
        host = (urlsplit(url.strip()).hostname or "").lower()
        if host:
            return host.removeprefix("www.")
    path, colon, record = source.rpartition(":")
    if colon and record.isdigit() and path:
        return f"file:{path}"
    return f"dir:{posixpath.dirname(source) or '.'}"


def is_host(site: str) -> bool:
    """Whether a site was named by a URL's host (not inferred from a folder or file)."""
    return not site.startswith(("dir:", "file:"))


def candidate_keys(raw: str, site: str, settings: CleanSettings | None = None) -> set[int]:
    """Keys of a page's lines that could be its site's chrome: short lines no chrome rule
    removes (on a folder's pages, only those that are not sentences)."""
    settings = settings or CleanSettings()
    fragments_only = not is_host(site)
    keys = set()
    for text in prose_lines(raw, settings):
        if len(text.split()) > settings.max_chrome_words:
            continue
        if fragments_only and text.rstrip("\"'”’)]").endswith((".", "!", "?")):
            continue
        keys.add(line_key(text))
    return keys


def _site_key(site: str) -> int:
    return line_key(f"site\x00{site}")


class SiteLineCounter:
    """Counts, per site, on how many pages each candidate line occurs; then says which lines
    are chrome (``chrome``). Add each page once: duplicates of a page must not be added."""

    def __init__(self, settings: SiteSettings | None = None, workdir: Path | None = None
                 ) -> None:
        self.settings = settings or SiteSettings()
        self._workdir = workdir
        self._tempdir: Path | None = None
        self.pages: Counter[int] = Counter()
        self.names: dict[int, str] = {}
        self._sites: list[np.ndarray] = []
        self._lines: list[np.ndarray] = []
        self._buffered = 0
        self._writers: dict[int, pq.ParquetWriter] = {}

    def add(self, site: str, keys: Iterable[int]) -> None:
        """Count one page of ``site`` with its candidate line keys."""
        site_key = _site_key(site)
        self.pages[site_key] += 1
        self.names.setdefault(site_key, site)
        lines = np.fromiter(keys, dtype=np.uint64)
        if not len(lines):
            return
        self._sites.append(np.full(len(lines), site_key, dtype=np.uint64))
        self._lines.append(lines)
        self._buffered += len(lines)
        if self._buffered >= self.settings.spill_rows:
            self._spill()

    def _buffer(self) -> tuple[np.ndarray, np.ndarray]:
        sites = np.concatenate(self._sites) if self._sites else np.empty(0, np.uint64)
        lines = np.concatenate(self._lines) if self._lines else np.empty(0, np.uint64)
        self._sites, self._lines, self._buffered = [], [], 0
        return sites, lines

    def _spill(self) -> None:
        if self._tempdir is None:
            self._tempdir = Path(tempfile.mkdtemp(prefix=".site-lines.", dir=self._workdir))
        sites, lines = self._buffer()
        part = sites % np.uint64(self.settings.partitions)
        for number in np.unique(part).tolist():
            chosen = part == number
            table = pa.table({"site": sites[chosen], "line": lines[chosen]})
            writer = self._writers.get(number)
            if writer is None:
                path = self._tempdir / f"part-{number:03d}.parquet"
                writer = self._writers[number] = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)

    def chrome(self) -> SiteChrome:
        """The chrome lines of every site that has some (and removes any spilled files)."""
        try:
            if not self._writers:
                sites, lines = self._buffer()
                return self._count(pa.table({"site": sites, "line": lines}))
            self._spill()
            for writer in self._writers.values():
                writer.close()
            found: dict[str, frozenset[int]] = {}
            for number in sorted(self._writers):
                assert self._tempdir is not None
                found.update(self._count(pq.read_table(
                    self._tempdir / f"part-{number:03d}.parquet")))
            return found
        finally:
            self.close()

    def _count(self, pairs: pa.Table) -> dict[str, frozenset[int]]:
        if not pairs.num_rows:
            return {}
        counts = pairs.group_by(["site", "line"]).aggregate([([], "count_all")])
        counts = counts.filter(pc.greater_equal(counts["count_all"], self.settings.min_pages))
        found: dict[int, set[int]] = {}
        for site, line, n in zip(counts["site"].to_pylist(), counts["line"].to_pylist(),
                                 counts["count_all"].to_pylist()):
            if n >= self.settings.min_share * self.pages[site]:
                found.setdefault(site, set()).add(line)
        return {self.names[site]: frozenset(lines) for site, lines in sorted(found.items())}

    def close(self) -> None:
        """Remove spilled files (also done by ``chrome``)."""
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None


def learn_site_chrome(pages: Iterable[tuple[str, str]], settings: SiteSettings | None = None,
                      clean_settings: CleanSettings | None = None,
                      workdir: Path | None = None) -> SiteChrome:
    """The chrome lines of each site, from ``(site, raw_text)`` of every distinct page."""
    counter = SiteLineCounter(settings, workdir)
    for site, raw in pages:
        counter.add(site, candidate_keys(raw, site, clean_settings))
    return counter.chrome()
