import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import VectorStore

extension RAGServer {
    func addIngestRoutes(_ routes: RouteTable) {
        routes.on("/api/v1/ingest", .post) { [self] request, context in
            try context.require(.writer)
            let upload = try await readUpload(request, context: context, namespaceField: true)
            guard let rawNamespace = upload.namespace else {
                throw APIProblem.badRequest("namespace is required", field: "namespace", code: "missing_field")
            }
            let namespace = try context.visibleNamespace(rawNamespace)
            if (try? store.namespace(namespace)) == nil {
                // Like `ragctl ingest`, an admin's ingest creates the namespace; others need it to exist.
                guard context.principal.role == .admin else {
                    throw APIProblem.notFound("namespace \"\(namespace)\" does not exist", code: "namespace_not_found")
                }
                try ingestor.prepareNamespace(namespace)
            }
            var options: IngestOptions
            if upload.files.isEmpty {
                guard let body = upload.jsonBody, let paths = try body.stringArray("paths", maxCount: 1000), !paths.isEmpty else {
                    throw APIProblem.badRequest("send paths (server-side files under an ingest root) or upload files as multipart/form-data",
                                                field: "paths", code: "missing_field")
                }
                options = IngestOptions(namespace: namespace, paths: try paths.enumerated().map { try allowedPath($1, field: "paths[\($0)]") })
                options.includes = try body.stringArray("include", maxCount: 100) ?? []
                options.excludes = try body.stringArray("exclude", maxCount: 100) ?? []
                options.prune = try body.bool("prune", default: false)
                options.redactPII = try body.bool("redact_pii", default: false)
                for (index, pattern) in (options.includes + options.excludes).enumerated() where pattern.isEmpty {
                    throw APIProblem.badRequest("glob patterns must not be empty (pattern \(index))", field: "include", code: "invalid_field")
                }
            } else {
                let (directory, sources) = try stage(upload.files)
                options = IngestOptions(namespace: namespace, paths: [directory])
                options.sourceNames = sources
            }
            options.accessLevel = upload.accessLevel
            options.replaceableLevel = context.principal.clearance
            options.category = upload.category
            options.metadata = upload.metadata
            let job = try queue.submit(options)
            context.audit.resource(job.id)
            var headers = HTTPFields()
            headers[.location] = "/api/v1/jobs/\(job.id)"
            return JSONWire.response(["job_id": job.id, "status": job.state.rawValue, "status_url": "/api/v1/jobs/\(job.id)"],
                                     status: .accepted, headers: headers)
        }

        routes.on("/api/v1/jobs", .get) { [self] request, context in
            try context.require(.writer)
            let limit = try Self.queryInt(request, "limit", default: 50, range: 1...1000)
            let jobs = try ingestor.jobs.list(limit: limit).filter(context.principal.maySee)
            return JSONWire.response(["jobs": jobs.map(JSONWire.job)])
        }

        routes.on("/api/v1/jobs/:id", .get) { [self] _, context in
            try context.require(.writer)
            let id = try context.parameter("id")
            guard let job = try ingestor.jobs.get(id), context.principal.maySee(job) else {
                throw APIProblem.notFound("job \"\(id)\" does not exist", code: "job_not_found")
            }
            return JSONWire.response(JSONWire.job(job))
        }
    }

    /// A server-side path the API may ingest: it must resolve (symlinks included) under a configured root.
    func allowedPath(_ path: String, field: String) throws -> String {
        guard !configuration.ingestRoots.isEmpty else {
            throw APIProblem(.forbidden, code: "path_not_allowed",
                             "this server reads no server-side paths; upload files, or configure [server] ingest_roots", field: field)
        }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        for root in configuration.ingestRoots {
            let base = URL(fileURLWithPath: root).resolvingSymlinksInPath().standardizedFileURL.path
            if resolved == base || resolved.hasPrefix(base.hasSuffix("/") ? base : base + "/") { return resolved }
        }
        throw APIProblem(.forbidden, code: "path_not_allowed", "\(path) is not under a configured ingest root", field: field)
    }
}
