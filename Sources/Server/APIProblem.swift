import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import NIOCore
import Retrieval
import VectorStore

/// An error answered as `application/problem+json` (RFC 9457) with the field at fault and the request id:
/// `{"type": "urn:ragctl:problem:CODE", "title", "status", "detail", "code", "field", "request_id"}`.
public struct APIProblem: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var detail: String
    /// The JSON path of the request field at fault (`top_k`, `vectors[3].vector`, `filter.year`).
    public var field: String?
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`, `Allow`, rate-limit headers).
    public var headers: [String: String]

    public init(_ status: HTTPResponse.Status, code: String, _ detail: String, field: String? = nil, headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(detail)" }

    static func badRequest(_ detail: String, field: String? = nil, code: String = "invalid_request") -> APIProblem {
        APIProblem(.badRequest, code: code, detail, field: field)
    }

    static func notFound(_ detail: String, code: String = "not_found") -> APIProblem {
        APIProblem(.notFound, code: code, detail)
    }

    /// The JSON body of this problem.
    func object(requestID: String) -> [String: Any] {
        var object: [String: Any] = ["type": "urn:ragctl:problem:\(code)", "title": status.reasonPhrase, "status": status.code,
                                     "detail": detail, "code": code, "request_id": requestID]
        if let field { object["field"] = field }
        return object
    }

    func response(requestID: String) -> Response {
        Response(status: status, headers: headerFields, body: ResponseBody(byteBuffer: body(requestID: requestID)))
    }

    /// `Content-Type: application/problem+json` and `headers`.
    var headerFields: HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/problem+json"
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return fields
    }

    func body(requestID: String) -> ByteBuffer {
        ByteBuffer(bytes: JSONWire.data(object(requestID: requestID)))
    }
}

extension APIProblem {
    /// Maps library errors to statuses. Details are the libraries' own messages, which name the input at fault
    /// and never contain stored text; anything unexpected becomes a 500 whose detail does not leak internals.
    public static func from(_ error: any Error) -> APIProblem {
        switch error {
        case let problem as APIProblem:
            return problem
        case let error as VectorStoreError:
            switch error.code {
            case .namespaceNotFound: return APIProblem(.notFound, code: error.code.rawValue, error.message)
            case .namespaceExists: return APIProblem(.conflict, code: error.code.rawValue, error.message, field: "name")
            case .invalidNamespaceName: return APIProblem(.badRequest, code: error.code.rawValue, error.message, field: "namespace")
            case .storage, .schemaTooNew: return APIProblem(.internalServerError, code: error.code.rawValue, "storage error: \(error.message)")
            // The store's encryption failing (an altered value, a key rotated under a running server) is the
            // server's fault, never the request's.
            case .decryptionFailed, .encryptionKeyMismatch, .encryptionKeyMissing, .storeNotEncrypted, .invalidEncryptionKey, .storeInUse:
                return APIProblem(.internalServerError, code: error.code.rawValue, "storage error: \(error.message)")
            case .invalidFilter: return APIProblem(.badRequest, code: error.code.rawValue, error.message, field: "filter")
            default: return APIProblem(.badRequest, code: error.code.rawValue, error.message)
            }
        case let error as IngestError:
            switch error.code {
            case .notFound: return APIProblem(.notFound, code: error.code.rawValue, error.message)
            case .embedderMismatch: return APIProblem(.conflict, code: error.code.rawValue, error.message)
            case .invalidArgument: return APIProblem(.badRequest, code: error.code.rawValue, error.message)
            case .embedding, .model: return APIProblem(.serviceUnavailable, code: error.code.rawValue, error.message)
            case .cancelled: return APIProblem(.serviceUnavailable, code: error.code.rawValue, error.message)
            case .storage: return APIProblem(.internalServerError, code: error.code.rawValue, "storage error: \(error.message)")
            }
        case let error as RetrievalError:
            switch error.code {
            case .invalidQuery, .invalidArgument: return APIProblem(.badRequest, code: error.code.rawValue, error.message)
            case .unsupported: return APIProblem(.badRequest, code: error.code.rawValue, error.message, field: "mode")
            case .embedderMismatch: return APIProblem(.conflict, code: error.code.rawValue, error.message, field: "namespace")
            }
        case let rejection as QueryRejection:
            return APIProblem(.unprocessableContent, code: rejection.code.rawValue, rejection.message, field: "query")
        case let rejection as RateLimitRejection:
            return APIProblem(.tooManyRequests, code: "rate_limited", rejection.message, headers: rejection.headers)
        case let error as ProviderError:
            return APIProblem(.badGateway, code: "provider_error", error.message)
        case is CancellationError:
            return APIProblem(.serviceUnavailable, code: "cancelled", "the request was cancelled (server shutting down)")
        case let error as any HTTPResponseError:
            let status = error.status
            let code = status == .notFound ? "not_found" : status == .contentTooLarge ? "body_too_large" : "http_\(status.code)"
            let detail = (error as? HTTPError)?.body ?? status.reasonPhrase
            return APIProblem(status, code: code, detail)
        default:
            return APIProblem(.internalServerError, code: "internal", "internal error; see the server log for request id")
        }
    }
}
