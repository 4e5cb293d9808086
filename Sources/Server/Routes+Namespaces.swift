import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import VectorStore

extension RAGServer {
    func addNamespaceRoutes(_ routes: RouteTable) {
        routes.on("/api/v1/namespaces", .get) { [self] _, context in
            try context.require(.reader)
            let visible = store.listNamespaces().filter { context.principal.mayUse(namespace: $0.name) }
            return JSONWire.response(["namespaces": visible.map(JSONWire.namespace)])
        }

        routes.on("/api/v1/namespaces", .post) { [self] request, context in
            try context.require(.admin)
            let body = try await JSONRequest.read(request, context: context, limits: configuration.body, allowed: ["name", "dimension", "model"])
            let name = try body.requiredString("name", maxLength: 256)
            context.audit.namespace(name)
            let model = try body.string("model", maxLength: 256)
            let info: NamespaceInfo
            do {
                info = try createNamespace(name, model: model, body: body)
            } catch let error as VectorStoreError where error.code == .invalidNamespaceName {
                throw APIProblem.badRequest(error.message, field: "name", code: error.code.rawValue)
            }
            var headers = HTTPFields()
            headers[.location] = "/api/v1/namespaces/\(Self.pathComponent(info.name))"
            return JSONWire.response(JSONWire.namespace(info), status: .created, headers: headers)
        }

        routes.on("/api/v1/namespaces/:ns", .get) { [self] _, context in
            try context.require(.reader)
            let name = try context.visibleNamespace(try context.parameter("ns"))
            var object = JSONWire.namespace(try store.namespace(name))
            object["documents"] = try store.query("SELECT count(*) FROM documents WHERE namespace = ?", [.text(name)]).first?[0].int ?? 0
            object["chunks"] = try store.query("SELECT count(*) FROM chunks WHERE namespace = ?", [.text(name)]).first?[0].int ?? 0
            return JSONWire.response(object)
        }

        routes.on("/api/v1/namespaces/:ns", .delete) { [self] _, context in
            try context.require(.admin)
            let name = try context.visibleNamespace(try context.parameter("ns"))
            _ = try store.namespace(name)
            let documents = try DocumentRepository(store: store).list(namespace: name).map(\.id)
            if !documents.isEmpty { _ = try DocumentRepository(store: store).delete(documentIDs: documents, namespace: name) }
            try store.dropNamespace(name)
            return Response(status: .noContent)
        }

        routes.on("/api/v1/namespaces/:ns/vectors", .post) { [self] request, context in
            try context.require(.writer)
            let name = try context.visibleNamespace(try context.parameter("ns"))
            let info = try store.namespace(name)
            let body = try await JSONRequest.read(request, context: context, limits: configuration.body, allowed: ["vectors"])
            guard let items = body.object["vectors"] as? [Any] else {
                throw JSONRequest.typeError("vectors", "an array of {id, vector, document_id, metadata}", body.object["vectors"] ?? NSNull())
            }
            guard (1...10_000).contains(items.count) else {
                throw APIProblem.badRequest("vectors must hold 1 to 10000 items, got \(items.count)", field: "vectors", code: "invalid_field")
            }
            var records: [VectorRecord] = []
            records.reserveCapacity(items.count)
            var seen = Set<String>()
            for (index, item) in items.enumerated() {
                let record = try Self.vectorRecord(item, field: "vectors[\(index)]")
                guard record.vector.count == info.dimension else {
                    throw APIProblem.badRequest("vectors[\(index)].vector has \(record.vector.count) dimensions; namespace \"\(name)\" holds \(info.dimension)",
                                                field: "vectors[\(index)].vector", code: "dimension_mismatch")
                }
                guard seen.insert(record.id).inserted else {
                    throw APIProblem.badRequest("vectors[\(index)].id \"\(record.id)\" appears twice", field: "vectors[\(index)].id", code: "duplicate_id")
                }
                do {
                    try store.validate(record, in: name)
                } catch let error as VectorStoreError {
                    throw APIProblem.badRequest("vectors[\(index)]: \(error.message)", field: "vectors[\(index)]", code: error.code.rawValue)
                }
                records.append(record)
            }
            let upserted = try store.upsert(records, into: name)
            return JSONWire.response(["upserted": upserted])
        }

        routes.on("/api/v1/namespaces/:ns/vectors/search", .post) { [self] request, context in
            try context.require(.reader)
            try await admit(context)
            let name = try context.visibleNamespace(try context.parameter("ns"))
            _ = try store.namespace(name)
            let body = try await JSONRequest.read(request, context: context, limits: configuration.body, allowed: ["vector", "vectors", "top_k", "filter", "clearance"])
            let topK = try body.int("top_k", default: 10, range: 1...1000)
            let filter = try body.filter()
            let clearance = min(try body.choice("clearance", default: AccessLevel.restricted), context.principal.clearance)
            let many = body.has("vectors")
            guard many != body.has("vector") else {
                throw APIProblem.badRequest("send exactly one of vector (one query) or vectors (a batch)", field: "vector", code: "missing_field")
            }
            let queries: [[Float]]
            if many {
                guard let list = body.object["vectors"] as? [Any], (1...1024).contains(list.count) else {
                    throw JSONRequest.typeError("vectors", "an array of 1 to 1024 vectors", body.object["vectors"] ?? NSNull())
                }
                queries = try list.enumerated().map { try floatArray($1, field: "vectors[\($0)]") }
            } else {
                queries = [try floatArray(body.object["vector"], field: "vector")]
            }
            let results = try store.search(name, vectors: queries, k: topK, filter: filter, clearance: clearance)
            context.audit.show(documentIDs: results.joined().map { $0.documentID ?? $0.id })
            let lists = results.map { $0.map(JSONWire.vectorHit) }
            return JSONWire.response(["results": many ? lists as Any : lists[0] as Any])
        }
    }

    /// `POST /api/v1/namespaces`: of `dimension` raw vectors (optionally of a named model), or of the server's embedder.
    func createNamespace(_ name: String, model: String?, body: JSONRequest) throws -> NamespaceInfo {
        if body.has("dimension") {
            let dimension = try body.int("dimension", default: 0, range: 1...4096)
            if let model, model == embedder.modelID, dimension != embedder.dimension {
                throw APIProblem.badRequest("model \(model) makes \(embedder.dimension)-dimensional vectors; dimension is \(dimension)",
                                            field: "dimension", code: "dimension_mismatch")
            }
            return try store.createNamespace(name, dimension: dimension, model: model)
        }
        guard model == nil || model == embedder.modelID else {
            throw APIProblem.badRequest("dimension is required for model \"\(model!)\" (the server embeds with \(embedder.modelID))",
                                        field: "dimension", code: "missing_field")
        }
        return try store.createNamespace(name, dimension: embedder.dimension, model: embedder.modelID)
    }

    static func vectorRecord(_ item: Any, field: String) throws -> VectorRecord {
        guard let object = item as? [String: Any] else { throw JSONRequest.typeError(field, "an object", item) }
        if let unknown = object.keys.sorted().first(where: { !["id", "document_id", "vector", "metadata"].contains($0) }) {
            throw APIProblem.badRequest("\(field): unknown field \"\(unknown)\"; expected id, document_id, vector, metadata",
                                        field: "\(field).\(unknown)", code: "unknown_field")
        }
        guard let id = object["id"] as? String else { throw JSONRequest.typeError("\(field).id", "a string", object["id"] ?? NSNull()) }
        var documentID: String?
        if let value = object["document_id"], !(value is NSNull) {
            guard let text = value as? String else { throw JSONRequest.typeError("\(field).document_id", "a string", value) }
            documentID = text
        }
        let vector = try floatArray(object["vector"], field: "\(field).vector")
        var metadata = Metadata()
        if let value = object["metadata"], !(value is NSNull) {
            guard let map = value as? [String: Any] else { throw JSONRequest.typeError("\(field).metadata", "an object", value) }
            for (key, element) in map where !(element is NSNull) {
                do {
                    metadata[key] = try MetadataValue(json: element, field: key)
                } catch let error as VectorStoreError {
                    throw APIProblem.badRequest("\(field).metadata.\(key): \(error.message)", field: "\(field).metadata.\(key)", code: "invalid_metadata")
                }
            }
        }
        return VectorRecord(id: id, documentID: documentID, vector: vector, metadata: metadata)
    }

    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}
