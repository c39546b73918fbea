"""Draw the application icon: resources/icons/klachtenbureau.png and .ico.

A white speech balloon with an exclamation mark on a blue rounded square:
someone has something to say. Drawn large and scaled down, so the small
sizes of the .ico stay smooth. Run it again only to change the icon; the
result is committed.

    python scripts/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
BLUE = (31, 95, 139, 255)
WHITE = (255, 255, 255, 255)
SIZE = 1024
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((32, 32, SIZE - 32, SIZE - 32), radius=200, fill=BLUE)
    # The balloon and its tail, pointing down-left like a voice on the phone.
    pen.rounded_rectangle((170, 190, 854, 700), radius=150, fill=WHITE)
    pen.polygon([(290, 640), (250, 860), (470, 690)], fill=WHITE)
    # The exclamation mark.
    pen.rounded_rectangle((462, 270, 562, 540), radius=50, fill=BLUE)
    pen.ellipse((457, 575, 567, 685), fill=BLUE)
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.resize((256, 256), Image.Resampling.LANCZOS).save(ICONS / "klachtenbureau.png", optimize=True)
    image.save(ICONS / "klachtenbureau.ico", sizes=ICO_SIZES)
    print(f"{ICONS / 'klachtenbureau.png'}\n{ICONS / 'klachtenbureau.ico'}")


if __name__ == "__main__":
    main()
