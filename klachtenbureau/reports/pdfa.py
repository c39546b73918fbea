"""Turning ReportLab's output into PDF/A-2b with pikepdf.

ReportLab writes no output intent and no XMP metadata, and its stream
keywords are not followed by the end-of-line PDF/A asks for. Saving through
pikepdf (qpdf) rewrites the file cleanly; this module adds the sRGB output
intent (resources/icc/sRGB.icc, ICC v2) and XMP metadata claiming
PDF/A-2 conformance level B, kept in step with the document information
dictionary. The fonts are already embedded by ReportLab (see fonts.py), but
every ReportLab document names its first subset ``AAAAAA+LiberationSans``;
once documents are joined (a dossier with its letters) one name stands for
different subsets, so each subset is renamed after its own content.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable

import pikepdf

from klachtenbureau import __version__
from klachtenbureau.reports import fonts

PRODUCER = f"Klachtenbureau {__version__} (ReportLab, pikepdf)"


@dataclasses.dataclass(frozen=True)
class Info:
    """What the archive should know about the document."""

    title: str
    author: str
    subject: str = ""
    keywords: tuple[str, ...] = ()
    created: dt.datetime | None = None


def _output_intent(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    profile = pdf.make_stream(fonts.srgb_profile())
    profile["/N"] = 3
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
        Info=pikepdf.String("sRGB IEC61966-2.1"),
        RegistryName=pikepdf.String("http://www.color.org"),
        DestOutputProfile=profile,
    ))


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.replace(microsecond=0).isoformat()


def apply(pdf: pikepdf.Pdf, info: Info) -> None:
    """Make ``pdf`` (in memory) PDF/A-2b: output intent, language, XMP and matching document info."""
    created = _iso(info.created or dt.datetime.now())
    retag_subsets(pdf)
    pdf.Root.OutputIntents = pikepdf.Array([_output_intent(pdf)])
    pdf.Root.Lang = pikepdf.String("nl-NL")
    # Start from an empty information dictionary: everything in it must also be in the XMP.
    pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary())
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = info.title
        meta["dc:creator"] = [info.author]
        if info.subject:
            meta["dc:description"] = info.subject
        if info.keywords:
            meta["pdf:Keywords"] = ", ".join(info.keywords)
        meta["pdf:Producer"] = PRODUCER
        meta["xmp:CreatorTool"] = PRODUCER
        meta["xmp:CreateDate"] = created
        meta["xmp:ModifyDate"] = created
        meta["xmp:MetadataDate"] = created


def save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, fix_metadata_version=True)
    return out.getvalue()


def convert(pdf_bytes: bytes, info: Info) -> bytes:
    """PDF/A-2b bytes from a ReportLab PDF whose fonts are all embedded."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        apply(pdf, info)
        return save(pdf)


def _fonts_of(resources: pikepdf.Object, seen: set[tuple[int, int]]) -> Iterable[pikepdf.Dictionary]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    for font in (resources.get("/Font") or {}).values():
        yield font
        yield from font.get("/DescendantFonts", [])
    for xobject in (resources.get("/XObject") or {}).values():
        key = xobject.objgen
        if key in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        yield from _fonts_of(xobject.get("/Resources"), seen)


_SUBSET_NAME = re.compile(r"^/?[A-Z]{6}\+(.+)$")
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _subset_tag(program: bytes, taken: dict[str, bytes]) -> str:
    """Six capitals from the subset's digest; another digest on a clash, so no two subsets share a tag."""
    digest = hashlib.sha256(program).digest()
    while True:
        tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
        if taken.setdefault(tag, program) == program:
            return tag
        digest = hashlib.sha256(digest).digest()


def retag_subsets(pdf: pikepdf.Pdf) -> None:
    """Give every embedded font subset a tag of its own (ISO 32000 9.6.4), in BaseFont and FontName alike.

    The tag is derived from the subset's font program, so the same subset keeps the same tag and a
    letter that is joined into a dossier keeps the names it had.
    """
    taken: dict[str, bytes] = {}
    done: set[tuple[int, int]] = set()
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in _fonts_of(page.obj.get("/Resources"), seen):
            if font.is_indirect and font.objgen in done:
                continue
            if font.is_indirect:
                done.add(font.objgen)
            match = _SUBSET_NAME.match(str(font.get("/BaseFont", "")))
            holder = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            descriptor = holder.get("/FontDescriptor")
            program = next((descriptor[key] for key in _FONT_FILES if descriptor is not None and key in descriptor),
                           None)
            if match is None or program is None:
                continue
            name = pikepdf.Name(f"/{_subset_tag(program.read_bytes(), taken)}+{match.group(1)}")
            font.BaseFont = name
            if holder is font:
                descriptor.FontName = name


def unembedded_fonts(pdf: pikepdf.Pdf) -> list[str]:
    """Base names of fonts that are used on a page without their font program in the file."""
    missing = []
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in _fonts_of(page.obj.get("/Resources"), seen):
            if font.get("/Subtype") == "/Type0":
                continue  # its descendant carries the descriptor
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs are drawn by the content stream itself
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            if not embedded:
                missing.append(str(font.get("/BaseFont", "?")))
    return sorted(set(missing))
