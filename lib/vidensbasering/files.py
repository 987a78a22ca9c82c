"""Files made in memory for a person to download (nothing is written to the server's disk)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Download:
    """A file to hand to the browser.

    Attributes:
        filename: the name the browser proposes, e.g. ``"forandringsteori.json"``.
        mime: its media type, e.g. ``"application/json"``.
        data: its bytes.
    """

    filename: str
    mime: str
    data: bytes
