import Foundation
import Server
import VectorStore

/// Audit entries for the admin actions `ragctl` does on the store directly (`keys create|revoke|rotate`,
/// `namespaces create|drop`, `documents delete`), which no HTTP request records.
///
/// Each entry names the principal `cli:<unix user>`, the action name the equivalent HTTP route records
/// (`keys.create`, `namespace.delete` …), the namespace and resource ids (key ids, never secrets), the status
/// that route would have answered (201, 200, 204, or the failure's 4xx/5xx) and a `cli_` request id. Entries
/// are written at once, chained after the head inside the write transaction, so they interleave correctly
/// with a running server's and `ragctl audit verify` checks them like any other. Off with `[audit] enabled = false`.
struct CLIAudit {
    let log: AuditLog?
    let principal: String

    init(store: VectorStore, config: AppConfig) {
        log = config.audit.enabled ? AuditLog(store: store) : nil
        principal = "cli:" + Self.userName()
    }

    /// Runs `body` (the action) and records its outcome: `status` on success, with the resource ids
    /// `resources` returns, or the failure's status (and `resource`, the id the command was given) before
    /// rethrowing its error.
    /// - Throws: the action's error; or, when the action succeeded but its entry could not be written, a
    ///   `CommandFailure` saying so (the action is done: it is not rolled back).
    func recording<T>(_ action: String, namespace: String? = nil, resource: String? = nil, status: Int,
                      resources: (T) -> [String] = { _ in [] }, _ body: () throws -> T) throws -> T {
        let result: T
        do {
            result = try body()
        } catch {
            try? write(action, namespace: namespace, resources: resource.map { [$0] } ?? [], status: Self.status(of: error))
            throw error
        }
        do {
            try write(action, namespace: namespace, resources: resources(result), status: status)
        } catch {
            throw CommandFailure(code: "audit", message: "\(action) succeeded, but its audit entry could not be written: \(error)")
        }
        return result
    }

    private func write(_ action: String, namespace: String?, resources: [String], status: Int) throws {
        guard let log else { return }
        let requestID = "cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try log.record(AuditEntry(principal: principal, action: action, namespace: namespace, resourceIDs: resources,
                                  status: status, requestID: requestID))
    }

    /// The status the HTTP API answers for the same failure.
    static func status(of error: any Error) -> Int {
        switch error {
        case let error as AuthError:
            switch error.code {
            case .keyNotFound: return 404
            case .keyInactive: return 409
            case .invalidArgument: return 400
            case .configuration, .storage: return 500
            }
        case let failure as CommandFailure:
            return failure.code == "not_found" ? 404 : 400
        default:
            return Int(APIProblem.from(error).status.code)
        }
    }

    /// The effective user's login name (`getpwuid`), else `$USER`, else `uid<N>`.
    static func userName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        return "uid\(geteuid())"
    }
}
