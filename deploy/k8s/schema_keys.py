"""Write ``z2jh-values-keys.txt``: the key paths the Zero to JupyterHub chart's schema names.

Usage: ``python deploy/k8s/schema_keys.py path/to/values.schema.yaml COMMIT``, where the schema is
``jupyterhub/values.schema.yaml`` of github.com/jupyterhub/zero-to-jupyterhub-k8s at ``COMMIT``.
Only key names are kept (one dotted path a line). A path ending in ``.*`` means the schema lets
that object hold keys of any name (``additionalProperties`` not false), e.g. ``hub.extraConfig.*``;
``./regex/`` stands for keys matching the schema's ``patternProperties``
(``hub.config./^[A-Z].*$/``).
``tests/hub/test_k8s.py`` checks ``values.yaml`` against this list.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent


def key_paths(node: Any, prefix: str = "") -> list[str]:
    """Dotted key paths under ``node`` (a JSON-schema object), in schema order."""
    if not isinstance(node, dict):
        return []
    paths: list[str] = []
    for name, child in (node.get("properties") or {}).items():
        path = f"{prefix}.{name}" if prefix else name
        paths.append(path)
        paths += key_paths(child, path)
    for pattern, child in (node.get("patternProperties") or {}).items():
        path = f"{prefix}./{pattern}/"
        paths.append(path)
        paths += key_paths(child, path)
    extra = node.get("additionalProperties")
    types = node.get("type")
    is_object = "object" in (types if isinstance(types, list) else [types]) or "properties" in node
    if prefix and is_object and extra is not False:
        paths.append(f"{prefix}.*")
        if isinstance(extra, dict):
            paths += key_paths(extra, f"{prefix}.*")
    return paths


def main(schema_file: str, commit: str) -> None:
    schema = yaml.safe_load(Path(schema_file).read_text(encoding="utf-8"))
    lines = [
        "# Key paths of the Zero to JupyterHub chart's values schema (key names only), from",
        "# github.com/jupyterhub/zero-to-jupyterhub-k8s, jupyterhub/values.schema.yaml at",
        f"# commit {commit}. Made by deploy/k8s/schema_keys.py; '.*' = any key name allowed,",
        "# './regex/' = key names matching the regular expression.",
        *dict.fromkeys(key_paths(schema)),
    ]
    (HERE / "z2jh-values-keys.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
