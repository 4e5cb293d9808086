import Foundation
import Ingest
import Retrieval

/// What a request's handler tells the audit log beyond what the middleware sees: a named action, the
/// namespace, the resource ids it touched or created, and the document ids it showed the caller.
///
/// One box per request, created with the `ServerContext` and shared by every copy of it, so what a handler
/// writes is read by `AuditMiddleware` after the response is built. Thread-safe (a streaming response may
/// note its sources from another task). Bounded: ids are cut at `maxLength` characters, at most
/// `maxResources` resource ids and `maxShown` distinct shown ids are kept (the rest of those are counted).
///
/// Caller-supplied strings (namespace names and path ids, which need not exist) pass through `PIIRedactor`, so
/// an e-mail address typed into a URL does not reach the log; generated ids (32 hex digits) skip it.
public final class AuditNote: @unchecked Sendable {
    public static let maxLength = 256
    public static let maxResources = 100
    public static let maxShown = 1000

    private let lock = NSLock()
    private var action: String?           // guarded by lock
    private var namespace: String?        // guarded by lock
    private var resources: [String] = []  // guarded by lock
    private var shown: [String] = []      // guarded by lock
    private var shownRaw: [String] = []      // guarded by lock; every distinct id as given, before cleaning
    private var shownSet: Set<String>?       // guarded by lock; `shownRaw` as a set once it is long
    private var omitted = 0               // guarded by lock
    private var principal: String         // guarded by lock

    public init(principal: String) {
        self.principal = principal
    }

    /// Replaces the `METHOD /route` action with a name such as `keys.create`.
    public func name(_ action: String) {
        lock.withLock { self.action = action }
    }

    /// The namespace the request addressed (the last one noted wins).
    public func namespace(_ name: String) {
        let clean = Self.clean(name)
        lock.withLock { namespace = clean }
    }

    /// An id the request named or created (document, job, key).
    public func resource(_ id: String) {
        let clean = Self.clean(id)
        lock.withLock {
            if resources.count < Self.maxResources, !resources.contains(clean) { resources.append(clean) }
        }
    }

    /// Document ids in what the caller is shown, in order; repeats (several chunks of one document) count once.
    public func show<S: Sequence<String>>(documentIDs: S) {
        lock.withLock {
            for id in documentIDs {
                // A linear scan while the list is short (a page of results); a set beyond.
                if shownSet == nil, shownRaw.count >= 32 { shownSet = Set(shownRaw) }
                if shownSet != nil {
                    guard shownSet!.insert(id).inserted else { continue }
                } else {
                    guard !shownRaw.contains(id) else { continue }
                }
                shownRaw.append(id)
                if shown.count < Self.maxShown { shown.append(Self.clean(id)) } else { omitted += 1 }
            }
        }
    }

    func setPrincipal(_ id: String) {
        lock.withLock { principal = id }
    }

    /// The entry for this request: the noted action, else `AuditAction.name(method:route:)`.
    /// - Parameter route: the route pattern (`/api/v1/namespaces/{ns}`); nil for an unrouted path.
    public func entry(status: Int, requestID: String, route: String?, method: String, time: Date = Date()) -> AuditEntry {
        lock.withLock {
            AuditEntry(time: time, principal: principal, action: action ?? AuditAction.name(method: method, route: route),
                       namespace: namespace, resourceIDs: resources, status: status, requestID: requestID,
                       shownDocumentIDs: shown, shownOmitted: omitted)
        }
    }

    private static let redactor = PIIRedactor()

    /// At most `maxLength` characters; redacted unless it is a generated id: 32 hex digits (documents) or a
    /// lowercase UUID (queries, jobs), which no PII pattern can match.
    static func clean(_ text: String) -> String {
        let bounded = text.utf8.count <= maxLength || text.count <= maxLength ? text : String(text.prefix(maxLength))
        if isGeneratedID(bounded.utf8) { return bounded }
        return redacted.value(for: bounded) { redactor.redact(bounded).text }
    }

    /// Namespace names and path ids repeat on every request; redaction is a pure function of the text.
    private static let redacted = Memo<String, String>(capacity: 4096)

    static func isGeneratedID(_ utf8: String.UTF8View) -> Bool {
        func hex(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) }
        switch utf8.count {
        case 32:
            return utf8.allSatisfy(hex)
        case 36:
            for (index, byte) in utf8.enumerated() {
                let dash = index == 8 || index == 13 || index == 18 || index == 23
                if dash ? byte != UInt8(ascii: "-") : !hex(byte) { return false }
            }
            return true
        default:
            return false
        }
    }
}
