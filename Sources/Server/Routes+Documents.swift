import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import NIOCore
import VectorStore

extension RAGServer {
    func addDocumentRoutes(_ routes: RouteTable) {
        routes.on("/api/v1/namespaces/:ns/documents", .get) { [self] request, context in
            try context.require(.reader)
            let name = try context.visibleNamespace(try context.parameter("ns"))
            _ = try store.namespace(name)
            let limit = try Self.queryInt(request, "limit", default: 100, range: 1...1000)
            let offset = try Self.queryInt(request, "offset", default: 0, range: 0...Int(Int32.max))
            let documents = try DocumentRepository(store: store).list(namespace: name, clearance: context.principal.clearance,
                                                                      limit: limit, offset: offset)
            context.audit.show(documentIDs: documents.map(\.id))
            return JSONWire.response(["documents": documents.map(JSONWire.document), "limit": limit, "offset": offset])
        }

        routes.on("/api/v1/namespaces/:ns/documents", .post) { [self] request, context in
            try context.require(.writer)
            let name = try context.visibleNamespace(try context.parameter("ns"))
            _ = try store.namespace(name)
            let upload = try await readUpload(request, context: context)
            return try await ingestUpload(upload, namespace: name, clearance: context.principal.clearance, audit: context.audit)
        }

        routes.on("/api/v1/namespaces/:ns/documents/:id", .get) { [self] request, context in
            try context.require(.reader)
            let (name, document) = try visibleDocument(context)
            let etag = "\"\(document.contentHash)\""
            var headers = HTTPFields()
            headers[.eTag] = etag
            headers[.cacheControl] = "private, max-age=0, must-revalidate"
            if Self.matches(ifNoneMatch: request.headers[.ifNoneMatch], etag: etag) {
                return Response(status: .notModified, headers: headers)
            }
            context.audit.show(documentIDs: [document.id])
            var object = JSONWire.document(document)
            object["chunks"] = try DocumentRepository(store: store).chunks(namespace: name, documentID: document.id).map(JSONWire.chunk)
            return JSONWire.response(object, headers: headers)
        }

        routes.on("/api/v1/namespaces/:ns/documents/:id", .delete) { [self] _, context in
            try context.require(.writer)
            let (name, document) = try visibleDocument(context)
            _ = try DocumentRepository(store: store).delete(documentIDs: [document.id], namespace: name)
            return Response(status: .noContent)
        }
    }

    /// The document if it exists in a namespace the caller may use at a level it may see; 404 otherwise.
    func visibleDocument(_ context: ServerContext) throws -> (String, DocumentRecord) {
        let name = try context.visibleNamespace(try context.parameter("ns"))
        _ = try store.namespace(name)
        let id = try context.parameter("id")
        guard let document = try DocumentRepository(store: store).get(namespace: name, id: id),
              (AccessLevel(rawValue: document.accessLevel) ?? .restricted) <= context.principal.clearance
        else { throw APIProblem.notFound("document \"\(id)\" does not exist in namespace \"\(name)\"", code: "document_not_found") }
        return (name, document)
    }

    /// `If-None-Match` holding `*` or the tag (weak or strong) among its list.
    static func matches(ifNoneMatch: String?, etag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }

    static func queryInt(_ request: Request, _ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = request.uri.queryParameters.get(name) else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            throw APIProblem.badRequest("query parameter \(name) must be an integer between \(range.lowerBound) and \(range.upperBound), got \"\(raw.prefix(40))\"",
                                        field: name, code: "invalid_parameter")
        }
        return value
    }

    // MARK: Uploads

    /// Documents sent in a request: JSON `{"text", …}` or multipart files, with their ingest settings.
    struct Upload {
        struct File {
            var source: String
            var fileName: String
            var data: Data
        }

        var files: [File]
        var accessLevel: AccessLevel = .public
        var category: String?
        var metadata: [String: String] = [:]
        var title: String?
        var namespace: String?
        /// The parsed JSON body (for the ingest route's other fields).
        var jsonBody: JSONRequest?
    }

    static let formats = ["txt", "md", "markdown", "rst", "html", "htm", "json", "jsonl", "csv", "tsv", "pdf", "docx",
                          "py", "swift", "js", "ts", "go", "rs", "java", "c", "h", "cpp", "rb", "sh", "yaml", "yml", "toml", "xml"]

    func readUpload(_ request: Request, context: ServerContext, namespaceField: Bool = false) async throws -> Upload {
        let contentType = request.headers[.contentType] ?? "application/json"
        var upload: Upload
        if let boundary = MultipartForm.boundary(contentType: contentType) {
            let bytes = try await JSONRequest.collect(request, context: context, limits: configuration.body)
            let form = try MultipartForm.parse(Data(buffer: bytes), boundary: boundary)
            let fields: Set<String> = namespaceField ? ["file", "namespace", "access_level", "category"] : ["file", "access_level", "category"]
            if let unknown = form.parts.first(where: { !fields.contains($0.name) }) {
                throw APIProblem.badRequest("unknown form field \"\(unknown.name.prefix(64))\"; expected \(fields.sorted().joined(separator: ", "))",
                                            field: unknown.name, code: "unknown_field")
            }
            let files = form.files
            guard !files.isEmpty else { throw APIProblem.badRequest("the multipart body has no file part", field: "file", code: "missing_field") }
            guard files.count <= 1000 else { throw APIProblem.badRequest("at most 1000 files per request", field: "file", code: "invalid_field") }
            upload = Upload(files: try files.map { part in
                let name = Self.safeFileName(part.filename ?? "")
                guard !name.isEmpty else { throw APIProblem.badRequest("a file part has no usable filename", field: "file", code: "invalid_field") }
                return Upload.File(source: "upload:" + name, fileName: name, data: part.data)
            })
            if let level = form.field("access_level") { upload.accessLevel = try Self.accessLevel(level) }
            upload.category = try form.field("category").flatMap { try Self.bounded($0, "category", 256) }
            upload.namespace = try form.field("namespace").flatMap { try Self.bounded($0, "namespace", 256) }
        } else {
            try JSONRequest.checkContentType(request, accepted: ["application/json", "multipart/form-data"])
            let allowed: Set<String> = namespaceField
                ? ["namespace", "paths", "include", "exclude", "prune", "access_level", "category", "metadata", "redact_pii"]
                : ["text", "title", "source", "format", "metadata", "access_level", "category"]
            let body = try JSONRequest.parse(try await JSONRequest.collect(request, context: context, limits: configuration.body),
                                             limits: configuration.body, allowed: allowed)
            upload = Upload(files: [])
            if !namespaceField {
                let text = try body.requiredString("text", maxLength: configuration.body.maxBytes)
                let format = try body.string("format", maxLength: 16) ?? "txt"
                guard Self.formats.contains(format.lowercased()) else {
                    throw APIProblem.badRequest("format must be one of \(Self.formats.joined(separator: ", ")), got \"\(format.prefix(20))\"",
                                                field: "format", code: "invalid_field")
                }
                let data = Data(text.utf8)
                let source = try body.string("source", maxLength: 2048) ?? "upload:" + Hashing.sha256Hex(data).prefix(16) + "." + format.lowercased()
                upload.files = [Upload.File(source: source, fileName: "document." + format.lowercased(), data: data)]
                upload.title = try body.string("title", maxLength: 1024)
            }
            if let level = try body.string("access_level", maxLength: 32) { upload.accessLevel = try Self.accessLevel(level) }
            upload.category = try body.string("category", maxLength: 256)
            upload.metadata = try body.stringMap("metadata")
            upload.namespace = try body.string("namespace", maxLength: 256)
            upload.jsonBody = body
        }
        guard upload.accessLevel <= context.principal.clearance else {
            throw APIProblem(.forbidden, code: "forbidden",
                             "access_level \(upload.accessLevel.rawValue) is above the caller's clearance \(context.principal.clearance.rawValue)")
        }
        return upload
    }

    /// A form field of at most `limit` characters; empty means absent.
    static func bounded(_ text: String, _ field: String, _ limit: Int) throws -> String? {
        guard text.count <= limit else {
            throw APIProblem.badRequest("\(field) must be at most \(limit) characters, got \(text.count)", field: field, code: "invalid_field")
        }
        return text.isEmpty ? nil : text
    }

    static func accessLevel(_ text: String) throws -> AccessLevel {
        guard let level = AccessLevel(rawValue: text) else {
            throw APIProblem.badRequest("access_level must be public, internal or restricted, got \"\(text.prefix(32))\"",
                                        field: "access_level", code: "invalid_field")
        }
        return level
    }

    /// The last path component with control characters and leading dots removed (never `..`).
    static func safeFileName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\u{7F}" }.map(Character.init))
        return String(cleaned.drop { $0 == "." }.prefix(200))
    }

    /// Writes the files into a fresh folder under the upload directory; returns it and the source of each file.
    func stage(_ files: [Upload.File]) throws -> (directory: String, sources: [String: String]) {
        let directory = (configuration.uploadDirectory as NSString).appendingPathComponent(UUID().uuidString.lowercased())
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var sources: [String: String] = [:]
        for (index, file) in files.enumerated() {
            let relative = "\(index)-\(file.fileName)"
            guard FileManager.default.createFile(atPath: (directory as NSString).appendingPathComponent(relative), contents: file.data) else {
                throw APIProblem(.internalServerError, code: "storage", "cannot stage an uploaded file")
            }
            sources[relative] = file.source
        }
        return (directory, sources)
    }

    /// Ingests uploaded documents now (they are small and the caller wants their ids): 201 with each
    /// document's id and whether it was added, updated or unchanged; 422 when none could be indexed; 409 when a
    /// source names a document above the caller's `clearance`, which the caller may neither replace (nor
    /// downgrade) nor learn the id or state of.
    func ingestUpload(_ upload: Upload, namespace: String, clearance: AccessLevel, audit: AuditNote) async throws -> Response {
        let (directory, sources) = try stage(upload.files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = IngestOptions(namespace: namespace, paths: [directory])
        options.sourceNames = sources
        options.accessLevel = upload.accessLevel
        options.replaceableLevel = clearance
        options.category = upload.category
        options.metadata = upload.metadata
        var before: [String: String] = [:]
        for row in try store.query("SELECT source_url, content_hash, access_level FROM documents WHERE namespace = ?", [.text(namespace)]) {
            guard let source = row[0].string, sources.values.contains(source) else { continue }
            guard (AccessLevel(rawValue: row[2].string ?? "") ?? .restricted) <= clearance else {
                throw APIProblem(.conflict, code: "source_conflict",
                                 "source \"\(source.prefix(200))\" belongs to a document this credential may not replace; choose another source",
                                 field: upload.files.count == 1 ? "source" : "file")
            }
            before[source] = row[1].string
        }
        let summary = try await ingestor.ingest(options)
        let failures = Dictionary(summary.failed.map { failure in
            (sources[String(failure.path.dropFirst(directory.count + 1))] ?? failure.path, failure.error)
        }, uniquingKeysWith: { first, _ in first })
        if failures.count == upload.files.count, let (source, reason) = failures.first {
            throw APIProblem(.unprocessableContent, code: "unprocessable_document", "\(source): \(reason)", field: "file")
        }
        var results: [[String: Any]] = []
        for file in upload.files {
            if let reason = failures[file.source] {
                results.append(["source": file.source, "status": "failed", "error": reason])
                continue
            }
            guard let row = try store.query("SELECT id, chunk_count, content_hash FROM documents WHERE namespace = ? AND source_url = ?",
                                            [.text(namespace), .text(file.source)]).first,
                  let id = row[0].string else { continue }
            if let title = upload.title {
                let sealed = store.seal(text: title, .documentsTitle, row: [.text(namespace), .text(id)])
                try store.write { tx in try tx.execute("UPDATE documents SET title = ? WHERE namespace = ? AND id = ?", [sealed, .text(namespace), .text(id)]) }
            }
            let status = before[file.source] == nil ? "added" : before[file.source] == row[2].string ? "unchanged" : "updated"
            audit.resource(id)
            results.append(["id": id, "source": file.source, "status": status, "chunks": row[1].int ?? 0])
        }
        var headers = HTTPFields()
        if results.count == 1, let id = results[0]["id"] as? String {
            headers[.location] = "/api/v1/namespaces/\(Self.pathComponent(namespace))/documents/\(Self.pathComponent(id))"
        }
        return JSONWire.response(["documents": results], status: .created, headers: headers)
    }
}
