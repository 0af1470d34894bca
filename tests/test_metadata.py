"""metadata.txt as QGIS reads it and as plugins.qgis.org validates an upload (required fields, versions,
a Qt6 declaration for a 4.x maximum, an icon inside the package, Chinese texts beside the English)."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAGED = ROOT / "build" / "stage" / "weipian_plugin"
CJK = re.compile(r"[\u4e00-\u9fff]")
# What plugins.qgis.org refuses an upload without (its metadata validator).
REQUIRED = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email", "repository")


@pytest.fixture(scope="module")
def meta() -> dict:
    """[general] read the way qgis.utils.findPlugins reads it (configparser, UTF-8), keys case-sensitive."""
    parser = configparser.ConfigParser()
    parser.optionxform = str
    with open(STAGED / "metadata.txt", encoding="utf-8") as f:
        parser.read_file(f)
    return dict(parser["general"])


def test_required_fields_are_filled(meta):
    assert [key for key in REQUIRED if not meta.get(key, "").strip()] == []
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", meta["email"])
    assert not re.search(r"example\.|placeholder|changeme|your", meta["email"], re.IGNORECASE)
    assert re.fullmatch(r"\d+\.\d+\.\d+", meta["version"])
    assert meta["changelog"].startswith(meta["version"] + " ")


def test_versions_and_qt6(meta):
    assert meta["qgisMinimumVersion"] == "3.22"
    maximum = tuple(int(part) for part in meta["qgisMaximumVersion"].split("."))
    assert maximum >= (3, 99)
    # QGIS 4 is Qt6: a maximum beyond 3.x is honest only with the plugin declaring it runs on Qt6.
    assert maximum < (4, 0) or meta["supportsQt6"] == "True"
    assert meta["hasProcessingProvider"] == "yes"
    assert meta["experimental"] in ("True", "False") and meta["deprecated"] == "False"


def test_links_point_at_one_public_repository(meta):
    repository = meta["repository"].rstrip("/")
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repository)
    assert meta["tracker"] == repository + "/issues"
    assert meta["homepage"].startswith(repository)
    owner = repository.split("/")[3]
    assert meta["email"].split("@")[0] == owner  # the project's own address, not a person's


def test_icon_ships_in_the_package(meta):
    icon = STAGED / meta["icon"]
    assert icon.is_file() and icon.stat().st_size > 0


def test_texts_in_english_and_chinese(meta):
    assert re.match(r"[A-Za-z]", meta["name"]) and CJK.search(meta["name[zh_CN]"])
    for key in ("description", "about", "tags"):
        assert len(CJK.findall(meta[key])) < len(meta[key]) / 20, key  # English, naming a few Chinese terms
        assert CJK.search(meta[f"{key}[zh_CN]"]), key
    assert len(meta["about"]) > len(meta["description"]) >= 40
    tags = [tag.strip() for tag in meta["tags"].split(",")]
    assert tags == [tag.lower() for tag in tags] and len(tags) == len(set(tags)) and all(tags)
    assert {"enforcement", "land use", "satellite imagery"} <= set(tags)
