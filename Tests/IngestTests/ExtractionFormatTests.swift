import Foundation
import Testing
@testable import Ingest

@Suite("Extraction of each format from fixture files")
struct ExtractionFormatTests {
    let extractor = Extractor()

    func extract(_ name: String) throws -> ExtractedDocument {
        try extractor.extract(fileURL: ingestFixture(name))
    }

    @Test func formatDetectionByExtensionAndName() {
        #expect(DocumentFormat(fileExtension: "MD") == .markdown)
        #expect(DocumentFormat(fileExtension: "rs") == .code("rust"))
        #expect(DocumentFormat(fileExtension: "h") == .code("c"))
        #expect(DocumentFormat(fileExtension: "ndjson") == .jsonl)
        #expect(DocumentFormat(fileExtension: "xyz") == nil)
        #expect(DocumentFormat(fileName: "Makefile") == .code("make"))
        #expect(DocumentFormat(fileName: "notes") == nil)
        #expect(DocumentFormat.sniff(Array("%PDF-1.7".utf8)) == .pdf)
        #expect(DocumentFormat.sniff(Array("<!DOCTYPE html><html>".utf8)) == .html)
        #expect(DocumentFormat.sniff(Array("{\"a\":1}\n{\"a\":2}\n".utf8)) == .jsonl)
        #expect(DocumentFormat.sniff(Array("  {\"a\": [1, 2]}".utf8)) == .json)
        #expect(DocumentFormat.sniff(Array("plain words".utf8)) == .text)
    }

    @Test func markdownHeadingsFrontMatterAndFences() throws {
        let document = try extract("guide.md")
        #expect(document.format == .markdown)
        #expect(document.title == "Install Guide")
        #expect(!document.text.contains("tags:"))
        #expect(document.text.hasPrefix("Intro paragraph"))
        #expect(document.sections.map(\.headingPath) == [
            [], ["Install"], ["Install", "Linux"], ["Install", "macOS"], ["Configuration"],
            ["Configuration", "Advanced options"],
        ])
        #expect(document.sections.map(\.level) == [0, 1, 2, 2, 1, 2])
        // A `#` line inside a fence is code, not a heading; the section text starts at the heading line.
        let linux = document.sections[2]
        #expect(document.slice(linux.range).hasPrefix("## Linux"))
        #expect(document.slice(linux.range).contains("# this is a comment"))
        #expect(document.slice(document.sections[4].range).hasPrefix("Configuration\n====="))
        // Sections tile the text in order.
        for (a, b) in zip(document.sections, document.sections.dropFirst()) { #expect(a.end == b.start) }
        #expect(document.sections.last?.end == document.text.unicodeScalars.count)
    }

    @Test func markdownTitleFallsBackToFirstHeadingThenFileName() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let headed = try extractor.extract(fileURL: temp.write("a.md", "text\n\n## Second level first\n\nbody"))
        #expect(headed.title == "Second level first")
        let plain = try extractor.extract(fileURL: temp.write("plain-notes.md", "just text"))
        #expect(plain.title == "plain-notes")
    }

    @Test func plainText() throws {
        let document = try extract("notes.txt")
        #expect(document.format == .text)
        #expect(document.title == "notes")
        #expect(document.sections.count == 1 && document.sections[0].headingPath.isEmpty)
        #expect(document.text.contains("Action items"))
    }

    @Test func restructuredTextUnderlinedHeadings() throws {
        let document = try extract("manual.rst")
        #expect(document.format == .rst)
        #expect(document.title == "User Manual")
        #expect(document.sections.map(\.headingPath) == [
            ["User Manual"], ["User Manual", "Getting started"], ["User Manual", "Getting started", "Configuration"],
            ["User Manual", "Troubleshooting"],
        ])
    }

    @Test func htmlDropsChromeKeepsHeadingsDecodesEntities() throws {
        let document = try extract("page.html")
        #expect(document.format == .html)
        #expect(document.title == "Fish & Chips – A History")
        let text = document.text
        for dropped in ["Home", "About", "var x", "color: red", "Enable JavaScript", "svg text", "icon",
                        "template text", "Copyright", "hidden", "not a heading"] {
            #expect(!text.contains(dropped), "\(dropped) should be dropped")
        }
        #expect(text.contains("A classic dish from Britain, served hot.\nPrice: £5 – €6."))
        #expect(text.contains("- Cod\n- Haddock"))
        #expect(text.contains("  indented   code"))
        #expect(text.contains("Fish | Price\nCod | 5"))
        #expect(text.contains("Tolerant parsing keeps going."))
        #expect(document.sections.map(\.headingPath) == [
            ["Fish & Chips"], ["Fish & Chips", "Origins"], ["Fish & Chips", "Origins", "Unclosed heading"],
        ])
        #expect(!text.contains("<") && !text.contains("&amp;"))
    }

    @Test func htmlEntities() {
        #expect(HTMLEntities.decode("&lt;a&gt; &amp;amp; &#65;&#x42;&#X43; &copy; &bogus; & &#0; &#xD800;")
                == "<a> &amp; ABC © &bogus; & \u{FFFD} \u{FFFD}")
    }

    @Test func jsonKeyPathLines() throws {
        let document = try extract("data.json")
        #expect(document.format == .json)
        let lines = document.text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "name: ragengine", "version: 3", "settings.chunk.size: 200", "settings.chunk.overlap: 40",
            "settings.enabled: true", "authors[0].name: Ada", "authors[0].email: ada@example.com",
            "authors[1].name: Linus", "tags[0]: rag", "tags[1]: swift", "escaped: lineé \"quoted\" 😀",
        ])
    }

    @Test func jsonTopLevelArrayOfObjectsIsRecords() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let document = try extractor.extract(fileURL: temp.write("list.json", #"[{"title": "A", "n": 1}, {"x": [true]}]"#))
        #expect(document.text == "title: A\nn: 1\n\nx[0]: true")
        #expect(document.sections.map(\.headingPath) == [["A"], ["record 2"]])
    }

    @Test func jsonlOneSectionPerRecordAndBadLinesWarn() throws {
        let document = try extract("records.jsonl")
        #expect(document.format == .jsonl)
        #expect(document.sections.map(\.headingPath) == [["First record"], ["d2"], ["Fourth"]])
        #expect(document.slice(document.sections[1].range).hasPrefix("_id: d2\ntext: Record without a title.\nmeta.year: 2020"))
        guard case .skippedRecords(count: 1, firstLine: 4, _) = document.warnings.first else {
            Issue.record("expected a skipped-record warning, got \(document.warnings)")
            return
        }
    }

    @Test func csvHeaderAwareRowsWithRFC4180Quoting() throws {
        let document = try extract("table.csv")
        #expect(document.format == .csv)
        #expect(document.text == """
            name: Alice; age: 30; city, country: Paris, France; note: Said "hi"
            then left
            name: Bob; city, country: Berlin
            name: Carol; age: 41; city, country: Rome; note: extra; column 5: overflow
            """)
    }

    @Test func tsvRowsAndLiteralQuotes() throws {
        let document = try extract("table.tsv")
        #expect(document.format == .tsv)
        #expect(document.text == "id: 1; term: BM25; definition: A ranking function\nid: 2; term: HNSW; definition: A graph index with 5\" quote")
    }

    @Test func csvUnterminatedQuoteWarns() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let document = try extractor.extract(fileURL: temp.write("bad.csv", "a,b\n1,\"open\n2,3\n"))
        #expect(document.warnings == [.unterminatedQuote(line: 2)])
        #expect(document.text.hasPrefix("a: 1; b: open"))
    }

    @Test(arguments: [("sample.swift", "swift"), ("sample.py", "python")])
    func sourceCodeRecordsLanguage(file: String, language: String) throws {
        let document = try extract(file)
        #expect(document.format == .code(language))
        #expect(document.language == language)
        #expect(document.text.contains(language == "swift" ? "func add" : "def greet"))
    }

    @Test func pdfThroughPdftotext() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else {
            // Without poppler-utils the error must name the tool.
            let error = extractionFailure { try extractor.extract(fileURL: ingestFixture("tiny.pdf")) }
            #expect(error?.code == .missingTool)
            return
        }
        let document = try extract("tiny.pdf")
        #expect(document.format == .pdf)
        #expect(document.title == "tiny")
        #expect(document.text.contains("Hello PDF world."))
        #expect(document.text.contains("This is the first page of a tiny fixture.\n\n"))
        #expect(document.text.contains("Second page text about poppler extraction."))
        #expect(!document.text.contains("\u{0C}"))
    }

    @Test func pdfFromMemoryKeepsUploadName() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else { return }
        let data = try Data(contentsOf: ingestFixture("tiny.pdf"))
        let document = try extractor.extract(data: data, fileName: "upload.pdf")
        #expect(document.title == "upload")
        #expect(document.text.contains("Hello PDF world."))
    }

    @Test func missingPdftotextNamesTheTool() {
        let noTool = Extractor(pdftotextPath: "/nonexistent/pdftotext")
        let error = extractionFailure { try noTool.extract(fileURL: ingestFixture("tiny.pdf")) }
        #expect(error?.code == .missingTool)
        #expect(error?.description.contains("pdftotext") == true)
        #expect(error?.description.contains("tiny.pdf") == true)
    }

    @Test func docxParagraphsAndHeadingStyles() throws {
        let document = try extract("report.docx")
        #expect(document.format == .docx)
        #expect(document.title == "Quarterly Report 2024")  // docProps/core.xml wins over the Title paragraph
        #expect(document.text.contains("Revenue grew & costs fell in the third quarter."))
        #expect(document.text.contains("Column A\tColumn B\nSecond line"))
        #expect(document.sections.map(\.headingPath) == [
            ["Quarterly Report"], ["Overview"], ["Overview", "Details"], ["Outlook"],
        ])
    }

    @Test func encodingsBOMsAndLineEnds() throws {
        let utf16 = try extract("utf16.txt")
        #expect(utf16.text == "UTF-16 text with café and 漢字.\nSecond line.\n")
        #expect(utf16.warnings.isEmpty)
        let bom = try extract("bom-crlf.txt")
        #expect(bom.text == "First line\nSecond line\nThird line\n")
    }

    @Test func unknownExtensionIsSniffed() throws {
        let document = try extract("mystery.dat")
        #expect(document.format == .markdown)
        #expect(document.title == "Sniffed Heading")
    }

    @Test func zipReaderInflatesEveryMemberWithMatchingCRC() throws {
        // Python's zipfile wrote these (level 9): small members (fixed Huffman), a 90 KB one (dynamic
        // Huffman, long back-references) and a stored one. `data(of:)` checks each CRC-32.
        let archive = try ZipArchive(Array(Data(contentsOf: ingestFixture("report.docx"))))
        #expect(archive.entries.count == 5)
        for entry in archive.entries {
            let data = try archive.data(of: entry, limit: 1 << 20)
            #expect(data.count == entry.uncompressedSize, "\(entry.name)")
        }
        let big = try #require(archive.entry(named: "customXml/big.txt"))
        #expect(big.method == 8 && big.uncompressedSize > 90_000)
        #expect(archive.entry(named: "customXml/stored.txt")?.method == 0)
        #expect(throws: ZipArchive.Failure.self) { try archive.data(of: big, limit: 1000) }
    }
}
