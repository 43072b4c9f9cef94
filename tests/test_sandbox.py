"""The sandbox: rendering reads only files inside handouts/, layouts/ and fonts/, never the network."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from weasyprint.urls import FatalURLFetchingError

from pipeline.publish.build import build
from pipeline.project.config import load_project
from pipeline.render.sandbox import SandboxFetcher

from .good_project import good_project


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test (the sandbox must refuse before that)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the build tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def fetcher(tmp_path: Path, no_network) -> SandboxFetcher:
    return SandboxFetcher(load_project(good_project(tmp_path)))


def _uri(path: Path) -> str:
    return path.absolute().as_uri()


def test_project_files_are_served(fetcher: SandboxFetcher, tmp_path: Path) -> None:
    image = tmp_path / "handouts" / "sample" / "hands.svg"
    response = fetcher.fetch(_uri(image))
    assert response.read() == image.read_bytes()
    assert response.content_type == "image/svg+xml"
    font = next((tmp_path / "fonts").glob("*.ttf"))
    assert fetcher.fetch(_uri(font)).read()[:4] == font.read_bytes()[:4]
    assert fetcher.fetch(_uri(tmp_path / "layouts" / "base.css")).read()
    # file://localhost/... is this computer too; a file of no known type is served as bytes.
    assert fetcher.fetch(_uri(image).replace("file://", "file://localhost", 1)).read() == image.read_bytes()
    other = tmp_path / "handouts" / "sample" / "notes.unknown-type"
    other.write_bytes(b"\x00\x01")
    assert fetcher.fetch(_uri(other)).content_type == "application/octet-stream"


@pytest.mark.parametrize("url", [
    "http://example.com/image.png",
    "https://example.com/image.png",
    "//example.com/image.png",
    "ftp://example.com/image.png",
    "data:image/svg+xml,<svg/>",
    "file://example.com/share/image.png",
])
def test_network_and_other_schemes_are_refused(fetcher: SandboxFetcher, url: str) -> None:
    with pytest.raises(FatalURLFetchingError, match="refused"):
        fetcher.fetch(url)


def test_files_outside_the_folders_are_refused(fetcher: SandboxFetcher, tmp_path: Path) -> None:
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "old.pdf").write_bytes(b"%PDF")
    for path in [Path("/etc/hostname"), tmp_path / "handouts.yml", tmp_path / "output" / "old.pdf",
                 tmp_path.parent / "elsewhere.svg"]:
        with pytest.raises(FatalURLFetchingError, match="only files in handouts/, layouts/ and fonts/"):
            fetcher.fetch(_uri(path))


@pytest.mark.parametrize("tail", ["../../../etc/hostname", "../../handouts.yml", "%2e%2e/%2e%2e/handouts.yml",
                                  "../sample/hands.svg"])
def test_dot_dot_is_refused(fetcher: SandboxFetcher, tmp_path: Path, tail: str) -> None:
    base = _uri(tmp_path / "handouts" / "sample")
    with pytest.raises(FatalURLFetchingError, match='".." may not leave the folder'):
        fetcher.fetch(f"{base}/{tail}")


def test_symlinks_leaving_the_folders_are_refused(fetcher: SandboxFetcher, tmp_path: Path) -> None:
    folder = tmp_path / "handouts" / "sample"
    secret = tmp_path / "secret.txt"
    secret.write_text("not for handouts")
    (folder / "file-link.svg").symlink_to(secret)
    (folder / "dir-link").symlink_to(tmp_path.parent, target_is_directory=True)
    (folder / "inside-link.svg").symlink_to(folder / "hands.svg")
    for link in (folder / "file-link.svg", folder / "dir-link" / "secret.txt"):
        with pytest.raises(FatalURLFetchingError, match="refused"):
            fetcher.fetch(_uri(link))
    # A link that stays inside the allowed folders is fine.
    assert fetcher.fetch(_uri(folder / "inside-link.svg")).read() == (folder / "hands.svg").read_bytes()


def test_missing_file_is_a_clear_error(fetcher: SandboxFetcher, tmp_path: Path) -> None:
    with pytest.raises(FatalURLFetchingError, match="cannot read .*No such file"):
        fetcher.fetch(_uri(tmp_path / "handouts" / "sample" / "gone.svg"))


def test_redirects_are_not_followed(fetcher: SandboxFetcher) -> None:
    from urllib.request import HTTPRedirectHandler

    assert not any(isinstance(handler, HTTPRedirectHandler) for handler in fetcher.handlers)


@pytest.mark.parametrize("reference, refused", [
    ('<image href="https://example.com/tracker.png" width="10" height="10"/>', "https://example.com/tracker.png"),
    ('<image href="../../../../../../../../etc/hostname" width="10" height="10"/>', "etc/hostname"),
])
def test_a_refused_resource_fails_only_its_handout(tmp_path: Path, no_network, reference: str, refused: str) -> None:
    """A picture that pulls in a resource from outside: since issue 11 it is refused before
    rendering, at its line of handout.yml (the fetcher above still refuses it at render time);
    the other handout is still built and published."""
    root = good_project(tmp_path)
    bad = root / "handouts" / "tampered"
    os.makedirs(bad)
    for file in (root / "handouts" / "sample").iterdir():
        (bad / file.name).write_bytes(file.read_bytes())
    (bad / "handout.yml").write_text((bad / "handout.yml").read_text().replace('"90001"', '"90002"'))
    svg = bad / "hands.svg"
    svg.write_text(svg.read_text().replace("</svg>", reference + "</svg>"))
    project = load_project(root)
    summary = build(project, ["sample", "tampered"], ["en"], ["letter"], jobs=1)
    status = {o.target.path: o for o in summary.outcomes}
    assert status["en/sample.pdf"].status == "built"
    assert (root / "output" / "en" / "sample.pdf").is_file()
    assert "en/tampered.pdf" not in status
    (problem,) = [p for p in summary.problems if not p.warning]
    assert str(problem).startswith("handouts/tampered/handout.yml:10:3: 'images': \"hands.svg\" draws from outside")
    assert refused in str(problem)
    assert not (root / "output" / "en" / "tampered.pdf").exists()
    assert summary.failed
