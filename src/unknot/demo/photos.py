"""Placeholder portraits drawn locally: initials on a calm colour. Nothing is downloaded."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

PALETTE = ["#1f5f5b", "#7c3a2d", "#35506b", "#5b4a7a", "#3f6b35", "#8a5a14", "#6b2f4f", "#2f4f6b"]


def initials_portrait(name: str, size: int = 320) -> bytes:
    """A square PNG with the person's initials, its colour fixed by the name."""
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    colour = PALETTE[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(PALETTE)]
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", size // 3)
    except OSError:
        font = ImageFont.load_default(size=size // 3)
    box = draw.textbbox((0, 0), initials, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), initials, fill="#ffffff", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
