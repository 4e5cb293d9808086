import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension RAGServer {
    func addOperationalRoutes(_ routes: RouteTable) {
        routes.on("/healthz", .get) { _, _ in JSONWire.response(["status": "ok"]) }

        routes.on("/readyz", .get) { [self] _, _ in
            var checks: [String: Any] = [:]
            var ready = true
            do {
                _ = try store.query("SELECT 1")
                checks["store"] = "ok"
            } catch {
                checks["store"] = "\(error)"
                ready = false
            }
            if embedder.dimension > 0 {
                checks["embedder"] = "ok"
            } else {
                checks["embedder"] = "not loaded"
                ready = false
            }
            var providers: [String: String] = [:]
            if let chain = engine.chain {
                for (name, state) in await chain.breakerStates() { providers[name] = state.rawValue }
            }
            checks["providers"] = providers
            checks["ingest_queue"] = ["depth": queue.depth, "capacity": queue.capacity]
            return JSONWire.response(["status": ready ? "ready" : "not_ready", "checks": checks],
                                     status: ready ? .ok : .serviceUnavailable)
        }

        routes.on("/metrics", .get) { [self] _, _ in
            await engine.refreshBreakerGauges()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render(store: store))))
        }

        routes.on("/openapi.json", .get) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "public, max-age=300"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }
}
