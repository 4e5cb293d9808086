import Foundation
import HTTPTypes
import Hummingbird

/// Registers handlers and, for every path, a 405 (with `Allow`) for the methods it does not serve.
final class RouteTable {
    let router: Router<ServerContext>
    private var methods: [(path: String, methods: [HTTPRequest.Method])] = []

    init(router: Router<ServerContext>) { self.router = router }

    func on(_ path: String, _ method: HTTPRequest.Method,
            _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response) {
        router.on(RouterPath(path), method: method, use: handler)
        if let index = methods.firstIndex(where: { $0.path == path }) {
            methods[index].methods.append(method)
        } else {
            methods.append((path, [method]))
        }
    }

    /// The served paths and their methods, for 405 answers to any other method (`RequestMiddleware`).
    func finish() -> MethodTable {
        MethodTable(routes: methods.map { path, served in
            (path.split(separator: "/").map(String.init), served.map(\.rawValue) + (served.contains(.get) ? ["HEAD"] : []))
        })
    }
}

/// Set once while the router is built, read by every request after.
final class MethodBox: @unchecked Sendable {
    var table = MethodTable(routes: [])
}

/// Which methods each route pattern serves: a request for a known path with another method (including ones
/// no handler names, such as TRACE) gets 405 with `Allow` instead of 404.
struct MethodTable: Sendable {
    let routes: [(segments: [String], methods: [String])]

    /// The methods served at `path`, or nil when no route matches it.
    func allowed(for path: String) -> [String]? {
        let segments = path.split(separator: "/")
        for route in routes where route.segments.count == segments.count {
            if zip(route.segments, segments).allSatisfy({ $0.hasPrefix(":") || $0 == $1 }) { return route.methods }
        }
        return nil
    }
}

extension ServerContext {
    /// A path parameter, percent-decoded; noted for the audit log (`ns` as the namespace, others as resource ids).
    func parameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        let value = raw.removingPercentEncoding ?? raw
        if name == "ns" { audit.namespace(value) } else { audit.resource(value) }
        return value
    }
}
