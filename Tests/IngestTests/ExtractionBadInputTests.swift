import Foundation
import Testing
@testable import Ingest

/// Every bad case is made in a temporary directory at test time.
@Suite("Extraction of bad, damaged and hostile files")
struct ExtractionBadInputTests {
    let extractor = Extractor()

    @Test func nulBytesAreBinary() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let file = try temp.write("image.txt", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x1A, 0x0A] + Array("text".utf8)))
        let error = extractionFailure { try extractor.extract(fileURL: file) }
        #expect(error?.code == .binary)
        #expect(error?.description.contains("binary file") == true)
        #expect(error?.description.contains(file.path) == true)
    }

    @Test func manyControlBytesAreBinary() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let bytes = (0..<4000).map { UInt8(1 + $0 % 8) }  // no NUL, all control
        let error = extractionFailure { try extractor.extract(fileURL: try! temp.write("ctl.log", Data(bytes))) }
        #expect(error?.code == .binary)
    }

    @Test func ansiColouredLogIsText() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let log = String(repeating: "\u{1B}[31mERROR\u{1B}[0m disk full\n", count: 50)
        let document = try extractor.extract(fileURL: temp.write("run.log", log))
        #expect(document.text.contains("disk full"))
    }

    @Test func invalidUTF8IsReplacedAndCounted() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        var bytes = Array("caf".utf8) + [0xE9] + Array(" ok, truncated ".utf8) + [0xE2, 0x82] + Array(" and lone ".utf8) + [0xBF]
        bytes += Array(" then plenty of valid text to keep the ratio low.".utf8)
        let document = try extractor.extract(fileURL: temp.write("latin.txt", Data(bytes)))
        #expect(document.warnings == [.invalidUTF8(replaced: 3)])
        #expect(document.text.hasPrefix("caf\u{FFFD} ok, truncated \u{FFFD} and lone \u{FFFD} then"))
        #expect(document.warnings[0].description == "replaced 3 invalid UTF-8 sequences with U+FFFD")
    }

    @Test func mostlyInvalidUTF8IsBinary() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        var state: UInt32 = 7
        let bytes = (0..<5000).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(0x80 + (state >> 24) % 0x7F)  // high bytes only: no NULs, almost never valid UTF-8
        }
        let error = extractionFailure { try extractor.extract(fileURL: try! temp.write("noise.txt", Data(bytes))) }
        #expect(error?.code == .binary)
        #expect(error?.reason.contains("not valid UTF-8") == true)
    }

    @Test func emptyAndWhitespaceOnlyFiles() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let empty = extractionFailure { try extractor.extract(fileURL: try! temp.write("empty.md", "")) }
        #expect(empty?.code == .empty)
        #expect(empty?.description == "\(temp.url.path)/empty.md: empty file")
        let blank = extractionFailure { try extractor.extract(fileURL: try! temp.write("blank.txt", " \n\t\r\n ")) }
        #expect(blank?.code == .empty)
        let scriptsOnly = extractionFailure {
            try extractor.extract(fileURL: try! temp.write("s.html", "<html><script>x()</script></html>"))
        }
        #expect(scriptsOnly?.code == .empty)
    }

    @Test func oversizedFileUsesTheConfigurableLimit() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let file = try temp.write("big.txt", String(repeating: "word ", count: 1000))
        let error = extractionFailure { try extractor.extract(fileURL: file, maxBytes: 1000) }
        #expect(error?.code == .oversized)
        #expect(error?.reason.contains("5000 bytes") == true)
        #expect(throws: Never.self) { try extractor.extract(fileURL: file, maxBytes: 5000) }
    }

    @Test func twoMegabyteSingleLineExtractsAndChunks() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let line = String(repeating: "abcdefghij", count: 200_000)  // 2 MB, no whitespace, no newline
        let document = try extractor.extract(fileURL: temp.write("line.txt", line))
        #expect(document.text.utf8.count == 2_000_000)
        let counter = HeuristicTokenCounter(maxTokens: 256)
        let chunks = Chunker(counter: counter).chunk(document)
        #expect(chunks.count > 100)
        #expect(chunks.allSatisfy { $0.tokenCount + 2 <= 256 && $0.text.unicodeScalars.count <= 2400 })
        #expect(chunks.map { $0.text.utf8.count }.reduce(0, +) >= 2_000_000)  // covered (with overlap)
        #expect(chunks.first?.start == 0 && chunks.last?.end == 2_000_000)
    }

    @Test func unreadableFile() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let file = try temp.write("secret.txt", "classified")
        chmod(file.path, 0o000)
        if geteuid() == 0 {
            // Root bypasses file permissions (CAP_DAC_OVERRIDE), so chmod 000 cannot make a file it cannot
            // read. Say so rather than pretend: the file is readable and extraction succeeds. The
            // permission path is covered by the non-root branch and by the errno mapping below.
            #expect(access(file.path, R_OK) == 0)
            #expect(try extractor.extract(fileURL: file).text == "classified")
        } else {
            let error = extractionFailure { try extractor.extract(fileURL: file) }
            #expect(error?.code == .unreadable)
            #expect(error?.reason.contains("permission denied") == true)
        }
    }

    @Test func missingDirectoryAndSpecialFilesAreUnreadable() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let missing = extractionFailure { try extractor.extract(fileURL: temp.url.appendingPathComponent("nope.md")) }
        #expect(missing?.code == .unreadable)
        #expect(missing?.reason.contains("no such file") == true)
        let directory = extractionFailure { try extractor.extract(fileURL: temp.url) }
        #expect(directory?.code == .unreadable)
        #expect(directory?.reason.contains("directory") == true)
        let fifo = temp.url.appendingPathComponent("pipe.txt")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let special = extractionFailure { try extractor.extract(fileURL: fifo) }  // must not block
        #expect(special?.reason.contains("not a regular file") == true)
    }

    @Test func invalidStructuredContent() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let json = extractionFailure { try extractor.extract(fileURL: try! temp.write("bad.json", "{\"a\": [1, 2}")) }
        #expect(json?.code == .invalidContent)
        #expect(json?.reason.contains("invalid JSON") == true)
        let jsonl = extractionFailure { try extractor.extract(fileURL: try! temp.write("bad.jsonl", "{x\n{y\n")) }
        #expect(jsonl?.code == .invalidContent)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let nested = extractionFailure { try extractor.extract(fileURL: try! temp.write("deep.json", deep)) }
        #expect(nested?.reason.contains("nested deeper") == true)
        let docx = extractionFailure { try extractor.extract(fileURL: try! temp.write("fake.docx", "not a zip at all, just text")) }
        #expect(docx?.code == .invalidContent)
        let pdf = extractionFailure { try extractor.extract(fileURL: try! temp.write("fake.pdf", "hello")) }
        #expect(pdf?.code == .invalidContent)
    }

    @Test func corruptDocxMemberFailsCRCOrInflate() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        var bytes = Array(try Data(contentsOf: ingestFixture("report.docx")))
        let archive = try ZipArchive(bytes)
        let entry = try #require(archive.entry(named: "word/document.xml"))
        let dataStart = entry.localHeaderOffset + 30 + "word/document.xml".utf8.count
        for offset in 10..<40 { bytes[dataStart + offset] ^= 0x5A }
        let error = extractionFailure { try extractor.extract(fileURL: try! temp.write("broken.docx", Data(bytes))) }
        #expect(error?.code == .invalidContent)
    }

    @Test func utf16BigEndianAndUTF32() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        var be: [UInt8] = [0xFE, 0xFF]
        for unit in "Grüße\r\n𝄞".utf16 { be += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        #expect(try extractor.extract(fileURL: temp.write("be.txt", Data(be))).text == "Grüße\n𝄞")
        var le32: [UInt8] = [0xFF, 0xFE, 0, 0]
        for scalar in "Hi ✓".unicodeScalars { withUnsafeBytes(of: scalar.value.littleEndian) { le32 += $0 } }
        #expect(try extractor.extract(fileURL: temp.write("le32.txt", Data(le32))).text == "Hi ✓")
    }

    /// A stand-in for pdftotext, to drive the process handling without poppler.
    private func fakeTool(_ temp: IngestTempDirectory, _ script: String) throws -> String {
        let tool = try temp.write("fake-pdftotext", "#!/bin/sh\n" + script + "\n")
        chmod(tool.path, 0o755)
        return tool.path
    }

    @Test func pdfToolTimeoutKillsTheChild() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let pdf = try temp.write("slow.pdf", "%PDF-1.4 fake")
        let extractor = Extractor(pdftotextPath: try fakeTool(temp, "exec sleep 30"), pdfTimeout: 0.5)
        // Left alone, the fake tool would exit after 30 s with no output: "timed out" proves it was killed.
        let error = extractionFailure { try extractor.extract(fileURL: pdf) }
        #expect(error?.code == .toolFailed)
        #expect(error?.reason.contains("timed out") == true)
    }

    @Test func pdfToolLargeOutputDoesNotDeadlock() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let pdf = try temp.write("big.pdf", "%PDF-1.4 fake")
        // 3 MB on stdout and some stderr: far past the 64 KiB pipe buffer.
        let script = "echo warning >&2; i=0; while [ $i -lt 30000 ]; do echo 'line of extracted pdf text padded out to one hundred bytes or so, page after page after page.'; i=$((i+1)); done"
        let extractor = Extractor(pdftotextPath: try fakeTool(temp, script), pdfTimeout: 60)
        let document = try extractor.extract(fileURL: pdf)
        #expect(document.text.utf8.count > 2_500_000)
    }

    @Test func pdfToolFailureReportsItsMessage() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        let pdf = try temp.write("broken.pdf", "%PDF-1.4 fake")
        let extractor = Extractor(pdftotextPath: try fakeTool(temp, "echo 'Syntax Error: broken xref' >&2; exit 1"))
        let error = extractionFailure { try extractor.extract(fileURL: pdf) }
        #expect(error?.code == .invalidContent)
        #expect(error?.reason == "pdftotext failed: Syntax Error: broken xref")
    }
}
