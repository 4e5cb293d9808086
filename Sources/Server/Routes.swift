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

    /// Adds the 405 handlers; call after every route is registered.
    func finish() {
        for (path, served) in methods {
            let allow = served.map(\.rawValue).joined(separator: ", ")
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !served.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw APIProblem(.methodNotAllowed, code: "method_not_allowed", "this path serves \(allow)", headers: ["Allow": allow])
                }
            }
        }
    }
}

extension ServerContext {
    /// A path parameter, percent-decoded.
    func parameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
