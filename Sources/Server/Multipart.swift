import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts. Enough for file uploads: part headers are
/// read for `Content-Disposition` (name, filename) and `Content-Type`; bodies are raw bytes.
struct MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var data: Data
    }

    var parts: [Part]

    /// Field values of non-file parts (UTF-8).
    func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: $0.data, as: UTF8.self) }
    }

    var files: [Part] { parts.filter { $0.filename != nil } }

    /// The boundary parameter of a `multipart/form-data` content type, or nil for another type.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.count > 200 ? nil : value
        }
        return nil
    }

    /// - Throws: `APIProblem` 400 naming what is malformed.
    static func parse(_ body: Data, boundary: String) throws -> MultipartForm {
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var cursor = body.range(of: delimiter)?.upperBound else {
            throw APIProblem.badRequest("multipart body has no part delimited by the boundary", code: "malformed_multipart")
        }
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF then the part.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard body[cursor...].starts(with: Data("\r\n".utf8)) else {
                throw APIProblem.badRequest("multipart delimiter is not followed by CRLF", code: "malformed_multipart")
            }
            cursor += 2
            guard let headerEnd = body.range(of: Data("\r\n\r\n".utf8), in: cursor..<body.endIndex) else {
                throw APIProblem.badRequest("multipart part has no header terminator", code: "malformed_multipart")
            }
            let headerText = String(decoding: body[cursor..<headerEnd.lowerBound], as: UTF8.self)
            guard let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headerEnd.upperBound..<body.endIndex) else {
                throw APIProblem.badRequest("multipart part is not closed by the boundary", code: "malformed_multipart")
            }
            var part = Part(name: "", filename: nil, contentType: nil, data: Data(body[headerEnd.upperBound..<next.lowerBound]))
            for line in headerText.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if name == "content-disposition" {
                    let parameters = Self.parameters(value)
                    part.name = parameters["name"] ?? ""
                    part.filename = parameters["filename"]
                } else if name == "content-type" {
                    part.contentType = value
                }
            }
            guard !part.name.isEmpty else {
                throw APIProblem.badRequest("multipart part has no Content-Disposition name", code: "malformed_multipart")
            }
            parts.append(part)
            cursor = next.upperBound
        }
        return MultipartForm(parts: parts)
    }

    /// `form-data; name="file"; filename="a b.md"` → ["name": "file", "filename": "a b.md"].
    static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var scanner = Substring(value)
        while let semicolon = scanner.firstIndex(of: ";") {
            scanner = scanner[scanner.index(after: semicolon)...].drop { $0 == " " }
            guard let equals = scanner.firstIndex(of: "=") else { break }
            let key = scanner[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var rest = scanner[scanner.index(after: equals)...]
            var parsed = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.endIndex
                for index in rest.indices {
                    let char = rest[index]
                    if escaped { parsed.append(char); escaped = false; continue }
                    if char == "\\" { escaped = true; continue }
                    if char == "\"" { end = index; break }
                    parsed.append(char)
                }
                scanner = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                parsed = rest[..<end].trimmingCharacters(in: .whitespaces)
                scanner = rest[end...]
            }
            result[key] = parsed
        }
        return result
    }
}
