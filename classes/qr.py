"""The QR code of a class's join link (segno: pure Python, no image library needed)."""

from __future__ import annotations

import base64
from urllib.parse import unquote

import segno


def join_qr(url: str, *, kind: str, title: str = "") -> tuple[bytes, str]:
    """The QR code of `url` as (content, content type): an SVG (`kind` "svg") that stays
    sharp on a projector, or a PNG ("png") for a slide or a document."""
    qr = segno.make(url, error="m")
    if kind == "png":
        data_uri = qr.png_data_uri(scale=10, border=2)
        return base64.b64decode(data_uri.split(",", 1)[1]), "image/png"
    # A standalone SVG, namespace included (the data URI's payload, percent-decoded).
    data_uri = qr.svg_data_uri(
        scale=8, border=2, title=title or None, svgclass=None, lineclass=None, omitsize=False
    )
    return unquote(data_uri.split(",", 1)[1]).encode(), "image/svg+xml"
