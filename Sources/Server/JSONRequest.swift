import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VectorStore

/// Limits on request bodies: bytes (413 beyond), JSON nesting depth, and the seconds a client may take to
/// send one (beyond it the connection is closed, so a trickling client cannot hold a request open).
public struct BodyLimits: Sendable {
    public var maxBytes = 10 << 20
    public var maxDepth = 32
    public var timeout: Double = 30

    public init() {}
}

/// A JSON object request body with typed accessors whose errors name the field and what is wrong
/// (`top_k must be an integer between 1 and 1000, got "ten"`). Unknown top-level fields are rejected
/// where the API's schema is closed, so a typo (`topk`) is an error and not a silently ignored default.
struct JSONRequest {
    let object: [String: Any]
    /// `/api/v1` bodies are strict: a field that is present must have its type, so `null` is an error.
    /// OpenAI-compatible bodies treat `null` as absent, as OpenAI's SDKs send it for unset options.
    var nullIsAbsent = false

    /// Reads and parses the body: checks the content type (415), size (413), nesting depth and that the
    /// top level is an object (400).
    static func read(_ request: Request, context: ServerContext, limits: BodyLimits, allowed: Set<String>? = nil) async throws -> JSONRequest {
        try checkContentType(request, accepted: ["application/json"])
        let bytes = try await collect(request, context: context, limits: limits)
        return try parse(bytes, limits: limits, allowed: allowed)
    }

    static func parse(_ bytes: ByteBuffer, limits: BodyLimits, allowed: Set<String>? = nil) throws -> JSONRequest {
        guard bytes.readableBytes > 0 else { throw APIProblem.badRequest("the request body is empty; send a JSON object", code: "malformed_json") }
        try checkDepth(bytes, max: limits.maxDepth)
        let parsed: Any
        do {
            parsed = try bytes.withUnsafeReadableBytes { try JSONSerialization.jsonObject(with: Data($0), options: []) }
        } catch {
            throw APIProblem.badRequest("the request body is not valid JSON (\(Self.reason(error)))", code: "malformed_json")
        }
        guard let object = parsed as? [String: Any] else {
            throw APIProblem.badRequest("the request body must be a JSON object", code: "malformed_json")
        }
        if let allowed {
            if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw APIProblem.badRequest("unknown field \"\(unknown)\"; expected one of \(allowed.sorted().joined(separator: ", "))",
                                            field: unknown, code: "unknown_field")
            }
        }
        return JSONRequest(object: object)
    }

    /// Collects the body, refusing more than `limit` bytes with 413 (a Content-Length over the limit is
    /// refused before reading).
    static func collect(_ request: Request, context: ServerContext, limits: BodyLimits) async throws -> ByteBuffer {
        let limit = limits.maxBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIProblem(.contentTooLarge, code: "body_too_large", "the request body is \(length) bytes; the limit is \(limit)")
        }
        let watch = BodyDeadlines.shared.register(context.channel, timeout: .nanoseconds(Int64(limits.timeout * 1e9)))
        do {
            let body = try await request.body.collect(upTo: limit)
            guard BodyDeadlines.shared.finish(watch) else { throw timedOut(limits) }
            return body
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            BodyDeadlines.shared.finish(watch)
            throw APIProblem(.contentTooLarge, code: "body_too_large", "the request body is larger than the limit of \(limit) bytes")
        } catch let problem as APIProblem {
            throw problem
        } catch {
            guard BodyDeadlines.shared.finish(watch) else { throw timedOut(limits) }
            throw error
        }
    }

    /// 408: the connection is already closed, so this reaches the logs, metrics and audit rather than the client.
    private static func timedOut(_ limits: BodyLimits) -> APIProblem {
        APIProblem(.requestTimeout, code: "body_timeout", "the request body did not arrive within \(limits.timeout) s")
    }

    /// 415 unless the content type is one of `accepted` (parameters ignored) or a `+json` type for JSON.
    /// A missing type, and curl's default `application/x-www-form-urlencoded` for `-d`, are read as JSON.
    static func checkContentType(_ request: Request, accepted: [String]) throws {
        try checkContentType(request.headers, accepted: accepted)
    }

    static func checkContentType(_ headers: HTTPFields, accepted: [String]) throws {
        guard let raw = headers[.contentType], raw != "application/json" else { return }
        let type = raw.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if accepted.contains(type) { return }
        if accepted.contains("application/json"), type.hasSuffix("+json") || type == "application/x-www-form-urlencoded" { return }
        throw APIProblem(.unsupportedMediaType, code: "unsupported_media_type",
                         "content type \"\(raw)\" is not accepted here; send \(accepted.joined(separator: " or "))")
    }

    /// Rejects JSON nested deeper than `max` without parsing it (a cheap scan that skips strings).
    static func checkDepth(_ bytes: ByteBuffer, max: Int) throws {
        let tooDeep = bytes.withUnsafeReadableBytes { raw -> Bool in
            var depth = 0, inString = false, escaped = false
            for byte in raw {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if depth > max { return true }
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
            }
            return false
        }
        if tooDeep { throw APIProblem.badRequest("the JSON body is nested deeper than \(max) levels", code: "json_too_deep") }
    }

    private static func reason(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return String(text.prefix(200))
    }

    // MARK: Typed fields

    func has(_ key: String) -> Bool { object[key] != nil && !(nullIsAbsent && object[key] is NSNull) }

    private func value(_ key: String) -> Any? {
        guard let value = object[key], !(nullIsAbsent && value is NSNull) else { return nil }
        return value
    }

    func string(_ key: String, required: Bool = false, maxLength: Int = 1 << 20, allowEmpty: Bool = false) throws -> String? {
        guard let raw = value(key) else {
            if required { throw APIProblem.badRequest("\(key) is required", field: key, code: "missing_field") }
            return nil
        }
        guard let text = raw as? String else { throw Self.typeError(key, "a string", raw) }
        if !allowEmpty, text.isEmpty { throw APIProblem.badRequest("\(key) must not be empty", field: key, code: "invalid_field") }
        if text.count > maxLength {
            throw APIProblem.badRequest("\(key) is \(text.count) characters; the limit is \(maxLength)", field: key, code: "invalid_field")
        }
        return text
    }

    func requiredString(_ key: String, maxLength: Int = 1 << 20) throws -> String {
        try string(key, required: true, maxLength: maxLength)!
    }

    func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = value(key) else { return fallback }
        guard !isJSONBool(raw), let number = raw as? NSNumber, let int = Int(exactly: number.doubleValue),
              Double(int) == number.doubleValue
        else { throw Self.typeError(key, "an integer between \(range.lowerBound) and \(range.upperBound)", raw) }
        guard range.contains(int) else {
            throw APIProblem.badRequest("\(key) must be between \(range.lowerBound) and \(range.upperBound), got \(int)", field: key, code: "invalid_field")
        }
        return int
    }

    func double(_ key: String, default fallback: Double, range: ClosedRange<Double>) throws -> Double {
        guard let raw = value(key) else { return fallback }
        guard !isJSONBool(raw), let number = raw as? NSNumber, number.doubleValue.isFinite
        else { throw Self.typeError(key, "a number between \(range.lowerBound) and \(range.upperBound)", raw) }
        guard range.contains(number.doubleValue) else {
            throw APIProblem.badRequest("\(key) must be between \(range.lowerBound) and \(range.upperBound), got \(number.doubleValue)",
                                        field: key, code: "invalid_field")
        }
        return number.doubleValue
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let raw = value(key) else { return fallback }
        guard isJSONBool(raw), let flag = raw as? Bool else { throw Self.typeError(key, "true or false", raw) }
        return flag
    }

    func choice<T: RawRepresentable>(_ key: String, default fallback: T) throws -> T where T.RawValue == String, T: CaseIterable {
        guard let raw = value(key) else { return fallback }
        guard let text = raw as? String, let parsed = T(rawValue: text) else {
            throw Self.typeError(key, "one of " + T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "), raw)
        }
        return parsed
    }

    /// A Mongo-style filter object; absent or `{}` is everything.
    func filter(_ key: String = "filter") throws -> Filter {
        guard let raw = value(key) else { return .all }
        guard raw is [String: Any] else { throw Self.typeError(key, "a JSON object (Mongo-style filter)", raw) }
        do {
            return try Filter.parse(object: raw)
        } catch let error as VectorStoreError {
            throw APIProblem.badRequest("filter: \(error.message)", field: key, code: "invalid_filter")
        }
    }

    func stringMap(_ key: String) throws -> [String: String] {
        guard let raw = value(key) else { return [:] }
        guard let map = raw as? [String: Any] else { throw Self.typeError(key, "an object of strings", raw) }
        var result: [String: String] = [:]
        for (name, value) in map {
            guard let text = value as? String else { throw Self.typeError("\(key).\(name)", "a string", value) }
            result[name] = text
        }
        return result
    }

    func stringArray(_ key: String, maxCount: Int = 10_000) throws -> [String]? {
        guard let raw = value(key) else { return nil }
        guard let array = raw as? [Any] else { throw Self.typeError(key, "an array of strings", raw) }
        guard array.count <= maxCount else {
            throw APIProblem.badRequest("\(key) has \(array.count) items; the limit is \(maxCount)", field: key, code: "invalid_field")
        }
        return try array.enumerated().map { index, item in
            guard let text = item as? String else { throw Self.typeError("\(key)[\(index)]", "a string", item) }
            return text
        }
    }

    static func typeError(_ key: String, _ expected: String, _ got: Any) -> APIProblem {
        APIProblem.badRequest("\(key) must be \(expected), got \(describe(got))", field: key, code: "invalid_field")
    }

    static func describe(_ value: Any) -> String {
        switch value {
        case is String: return "a string"
        case _ where isJSONBool(value): return "a boolean"
        case let number as NSNumber: return "\(number)"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "null"
        }
    }
}

/// Floats from a JSON array, every element finite.
func floatArray(_ raw: Any?, field: String) throws -> [Float] {
    guard let array = raw as? [Any] else { throw JSONRequest.typeError(field, "an array of numbers", raw ?? NSNull()) }
    var result = [Float]()
    result.reserveCapacity(array.count)
    for (index, item) in array.enumerated() {
        guard !isJSONBool(item), let number = item as? NSNumber, number.doubleValue.isFinite else {
            throw JSONRequest.typeError("\(field)[\(index)]", "a finite number", item)
        }
        result.append(number.floatValue)
    }
    return result
}
