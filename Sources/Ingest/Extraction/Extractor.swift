import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns one file into an ``ExtractedDocument``: reads it (bounded), decodes it, picks the format from
/// the extension or the content, and extracts text, title and sections.
///
/// Synchronous and blocking (file I/O, and `pdftotext` for PDFs): call it from a worker thread, not
/// the cooperative pool, when extracting many files.
public struct Extractor: Sendable {
    /// Where `pdftotext` lives; PDFs fail with ``ExtractionError/Code/missingTool`` when it is absent.
    public var pdftotextPath: String
    /// Seconds before `pdftotext` is killed.
    public var pdfTimeout: Double

    public init(pdftotextPath: String = "/usr/bin/pdftotext", pdfTimeout: Double = 60) {
        self.pdftotextPath = pdftotextPath
        self.pdfTimeout = pdfTimeout
    }

    /// Extracts one file. The format comes from the file name, or from sniffing the content when the
    /// name does not tell.
    ///
    /// - Parameter maxBytes: files larger than this fail with `.oversized` (default 50 MiB).
    /// - Throws: ``ExtractionError`` naming the path: `.unreadable` (missing, directory, permission),
    ///   `.empty`, `.oversized`, `.binary`, `.invalidContent`, `.unsupported`, `.missingTool`, `.toolFailed`.
    public func extract(fileURL: URL, maxBytes: Int = 50 << 20) throws(ExtractionError) -> ExtractedDocument {
        try extract(fileURL: fileURL, format: nil, maxBytes: maxBytes)
    }

    /// Extracts one file as `format` (nil: detect).
    public func extract(fileURL: URL, format: DocumentFormat?, maxBytes: Int = 50 << 20) throws(ExtractionError) -> ExtractedDocument {
        let path = fileURL.path
        let bytes = try Self.readFile(path: path, maxBytes: maxBytes)
        let name = fileURL.lastPathComponent
        let resolved = format ?? DocumentFormat(fileName: name) ?? DocumentFormat.sniff(bytes)
        if resolved == .pdf {
            guard bytes.starts(with: Array("%PDF-".utf8)) else {
                throw ExtractionError(.invalidContent, path: path, reason: "not a PDF (no %PDF- header)")
            }
            let text = try PDFExtractor.extract(path: path, tool: pdftotextPath, timeout: pdfTimeout, maxOutputBytes: maxBytes * 4)
            return try finish(text: text, sections: [], title: nil, format: .pdf, name: name, path: path, warnings: [])
        }
        return try extract(bytes: bytes, name: name, path: path, format: resolved, maxBytes: maxBytes)
    }

    /// Extracts in-memory content (an upload), named `fileName` for format detection and the title.
    /// PDFs are written to a temporary file for `pdftotext`.
    public func extract(data: Data, fileName: String, format: DocumentFormat? = nil,
                        maxBytes: Int = 50 << 20) throws(ExtractionError) -> ExtractedDocument {
        guard data.count <= maxBytes else {
            throw ExtractionError(.oversized, path: fileName, reason: "file is \(data.count) bytes, over the \(maxBytes)-byte limit")
        }
        guard !data.isEmpty else { throw ExtractionError(.empty, path: fileName, reason: "empty file") }
        let bytes = [UInt8](data)
        let resolved = format ?? DocumentFormat(fileName: fileName) ?? DocumentFormat.sniff(bytes)
        if resolved == .pdf {
            let temp = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString).pdf")
            do { try data.write(to: temp) } catch {
                throw ExtractionError(.unreadable, path: fileName, reason: "cannot stage PDF for pdftotext: \(error.localizedDescription)")
            }
            defer { try? FileManager.default.removeItem(at: temp) }
            do {
                var document = try extract(fileURL: temp, format: .pdf, maxBytes: maxBytes)
                if document.title == temp.deletingPathExtension().lastPathComponent { document.title = Self.fallbackTitle(fileName) }
                return document
            } catch {
                throw ExtractionError(error.code, path: fileName, reason: error.reason)
            }
        }
        return try extract(bytes: bytes, name: fileName, path: fileName, format: resolved, maxBytes: maxBytes)
    }

    // MARK: Dispatch

    private func extract(bytes: [UInt8], name: String, path: String, format: DocumentFormat,
                         maxBytes: Int) throws(ExtractionError) -> ExtractedDocument {
        if format == .docx {
            let result: (text: String, sections: [DocumentSection], title: String?)
            do {
                result = try DOCXExtractor.extract(bytes, limit: maxBytes * 4)
            } catch {
                throw ExtractionError(error.unsupported ? .unsupported : .invalidContent, path: path, reason: error.message)
            }
            return try finish(text: result.text, sections: result.sections, title: result.title, format: .docx, name: name, path: path, warnings: [])
        }
        let decoded = try TextDecoding.decode(bytes, path: path)
        var warnings: [ExtractionWarning] = decoded.replacedInvalid > 0 ? [.invalidUTF8(replaced: decoded.replacedInvalid)] : []
        guard decoded.text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw ExtractionError(.empty, path: path, reason: "empty file (only whitespace)")
        }
        let source = decoded.text
        switch format {
        case .markdown:
            let result = MarkdownExtractor.extract(source)
            return try finish(text: result.text, sections: result.sections, title: result.title, format: format, name: name, path: path, warnings: warnings)
        case .rst:
            let result = RestructuredTextExtractor.extract(source)
            return try finish(text: result.text, sections: result.sections, title: result.title, format: format, name: name, path: path, warnings: warnings)
        case .html:
            let result = HTMLExtractor.extract(source)
            return try finish(text: result.text, sections: result.sections, title: result.title, format: format, name: name, path: path, warnings: warnings)
        case .json:
            let result: (text: String, sections: [DocumentSection], title: String?)
            do {
                result = try JSONExtractor.extractJSON(source)
            } catch {
                throw ExtractionError(.invalidContent, path: path, reason: "invalid JSON: \(error.message) at byte \(error.offset)")
            }
            return try finish(text: result.text, sections: result.sections, title: nil, format: format, name: name, path: path, warnings: warnings)
        case .jsonl:
            let result = JSONExtractor.extractJSONL(source)
            warnings += result.warnings
            if result.text.isEmpty, let first = result.warnings.first {
                throw ExtractionError(.invalidContent, path: path, reason: "invalid JSONL: \(first)")
            }
            return try finish(text: result.text, sections: result.sections, title: nil, format: format, name: name, path: path, warnings: warnings)
        case .csv, .tsv:
            let result = DelimitedTextExtractor.extract(source, delimiter: format == .csv ? "," : "\t")
            warnings += result.warnings
            return try finish(text: result.text, sections: [], title: nil, format: format, name: name, path: path, warnings: warnings)
        case .code, .text:
            return try finish(text: source, sections: [], title: nil, format: format, name: name, path: path, warnings: warnings)
        case .pdf, .docx:
            preconditionFailure("handled above")
        }
    }

    private func finish(text: String, sections: [DocumentSection], title: String?, format: DocumentFormat,
                        name: String, path: String, warnings: [ExtractionWarning]) throws(ExtractionError) -> ExtractedDocument {
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw ExtractionError(.empty, path: path, reason: "no text extracted from \(format.name) content")
        }
        var sections = sections
        if sections.isEmpty {
            sections = [DocumentSection(headingPath: [], level: 0, start: 0, end: SectionedTextBuilder.scalarCount(text))]
        }
        return ExtractedDocument(text: text, title: title ?? Self.fallbackTitle(name), format: format,
                                 language: format.language, sections: sections, warnings: warnings)
    }

    static func fallbackTitle(_ name: String) -> String {
        let base = (name as NSString).deletingPathExtension
        return base.isEmpty ? name : base
    }

    // MARK: Reading

    /// Reads a regular file of at most `maxBytes` bytes, mapping errno to a reason.
    static func readFile(path: String, maxBytes: Int) throws(ExtractionError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(path, errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable(path, errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw ExtractionError(.unreadable, path: path, reason: "is a directory, not a file")
        default: throw ExtractionError(.unreadable, path: path, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        if size > maxBytes {
            throw ExtractionError(.oversized, path: path, reason: "file is \(size) bytes, over the \(maxBytes)-byte limit")
        }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var total = 0
        while true {
            if total == bytes.count {
                guard total <= maxBytes else {
                    throw ExtractionError(.oversized, path: path, reason: "file grew past the \(maxBytes)-byte limit")
                }
                bytes.append(contentsOf: repeatElement(0, count: max(4096, total)))
            }
            let n = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress! + total, buffer.count - total)
            }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw unreadable(path, errno)
            }
            total += n
        }
        if total > maxBytes {
            throw ExtractionError(.oversized, path: path, reason: "file grew past the \(maxBytes)-byte limit")
        }
        guard total > 0 else { throw ExtractionError(.empty, path: path, reason: "empty file") }
        bytes.removeLast(bytes.count - total)
        return bytes
    }

    private static func unreadable(_ path: String, _ code: Int32) -> ExtractionError {
        let reason: String
        switch code {
        case EACCES, EPERM: reason = "unreadable file: permission denied"
        case ENOENT: reason = "unreadable file: no such file"
        case ELOOP: reason = "unreadable file: too many levels of symbolic links"
        default: reason = "unreadable file: " + String(cString: strerror(code))
        }
        return ExtractionError(.unreadable, path: path, reason: reason)
    }
}
