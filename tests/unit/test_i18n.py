import json
import re
from importlib import resources

import pytest

from vidensbasering import i18n


def _catalogs() -> dict[str, dict]:
    folder = resources.files(i18n)
    return {
        p.name.removesuffix(".json"): json.loads(p.read_text(encoding="utf-8"))
        for p in folder.iterdir()
        if p.name.endswith(".json")
    }


def test_danish_catalog_is_default_and_fills_placeholders():
    assert i18n.t("common.course_title") == "Vidensbaseret socialt arbejde"


def test_missing_language_is_a_clear_error():
    with pytest.raises(LookupError, match="xx"):
        i18n.catalog("xx")


def test_every_catalog_has_the_danish_keys_and_placeholders():
    catalogs = _catalogs()
    danish = catalogs.pop("da")
    for language, other in catalogs.items():
        for section, texts in danish.items():
            for key, text in texts.items():
                assert key in other.get(section, {}), f"{language}: {section}.{key} missing"
                assert set(re.findall(r"{(\w+)}", text)) == set(
                    re.findall(r"{(\w+)}", other[section][key])
                ), f"{language}: placeholders differ in {section}.{key}"
