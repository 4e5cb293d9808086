#!/usr/bin/env python3
"""Regenerates the binary fixtures (PDF, DOCX, UTF-16, BOM/CRLF text) with the standard library only.

Run from this folder: python3 make_fixtures.py
"""
import zipfile


def write_pdf(path, pages):
    """A minimal valid PDF: one Helvetica text object per page, exact xref offsets."""
    objects = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font_id = 3 + 2 * len(pages)
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>".encode())
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode()
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    with open(path, "wb") as f:
        f.write(out)


def paragraph(text, style=None):
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def write_docx(path):
    body = "".join([
        paragraph("Quarterly Report", "Title"),
        paragraph("Overview", "Heading1"),
        paragraph("Revenue grew &amp; costs fell in the third quarter."),
        '<w:p><w:r><w:t>Column A</w:t></w:r><w:r><w:tab/><w:t>Column B</w:t></w:r>'
        '<w:r><w:br/><w:t>Second line</w:t></w:r></w:p>',
        paragraph("Details", "Heading2"),
        paragraph("The details section explains the numbers in depth."),
        '<w:p/>',
        paragraph("Outlook", "Heading1"),
        paragraph("We expect steady growth next year."),
    ])
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:body>{body}<w:sectPr/></w:body></w:document>')
    content_types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="xml" ContentType="application/xml"/>'
                     '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                     '</Types>')
    core = ('<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Quarterly Report 2024</dc:title></cp:coreProperties>')
    # Extra members exercise the inflater: a large one (dynamic Huffman blocks, long back-references)
    # and a stored one.
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    state = 12345
    big = []
    for i in range(12000):
        state = (state * 1103515245 + 12345) % (1 << 31)
        big.append(words[state % len(words)] + str(state % 97))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("word/document.xml", document)
        z.writestr("docProps/core.xml", core)
        z.writestr("customXml/big.txt", " ".join(big))
        z.writestr(zipfile.ZipInfo("customXml/stored.txt"), "stored member, no compression")


write_pdf("tiny.pdf", [["Hello PDF world.", "This is the first page of a tiny fixture."],
                       ["Second page text about poppler extraction."]])
write_docx("report.docx")
with open("utf16.txt", "wb") as f:
    f.write("\ufeffUTF-16 text with caf\u00e9 and \u6f22\u5b57.\r\nSecond line.\r\n".encode("utf-16-le"))
with open("bom-crlf.txt", "wb") as f:
    f.write(b"\xef\xbb\xbfFirst line\r\nSecond line\rThird line\r\n")
