import CCurl
import Foundation

/// One request in flight: owns its libcurl options, its callbacks' state and the place its result goes.
///
/// Threading: everything but `markCancelled()`/`isCancelled` is touched only on the event-loop thread
/// (`CurlEventLoop`), after `submit` published the object through the loop's lock. Hence `@unchecked`.
final class CurlTransfer: @unchecked Sendable {
    /// Where the outcome goes.
    enum Sink {
        case buffered(CheckedContinuation<HTTPResponse, any Error>)
        case stream(AsyncThrowingStream<HTTPStreamEvent, any Error>.Continuation)
    }

    let request: HTTPRequest
    let tls: TLSOptions
    /// Set once, before `CurlEventLoop.submit`.
    var sink: Sink?

    private let cancelLock = NSLock()
    private var cancelled = false

    // Event-loop thread state.
    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var status = 0
    private var fields: [HTTPHeaders.Field] = []
    private var headComplete = false
    private var headDelivered = false
    private var body = Data()
    private var received = 0
    private var exceededLimit = false
    private var finished = false

    init(request: HTTPRequest, tls: TLSOptions = TLSOptions(), sink: Sink? = nil) {
        self.request = request
        self.tls = tls
        self.sink = sink
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    // MARK: - cancellation (any thread)

    func markCancelled() { cancelLock.withLock { cancelled = true } }
    var isCancelled: Bool { cancelLock.withLock { cancelled } }

    // MARK: - set-up (loop thread)

    /// Applies the request to a fresh or reset easy handle. Returns the first failing option's code.
    func attach(to easy: UnsafeMutableRawPointer) -> CURLcode {
        self.easy = easy
        let me = Unmanaged.passUnretained(self).toOpaque()
        var rc = CURLE_OK
        func set(_ code: CURLcode) { if rc == CURLE_OK { rc = code } }

        set(ccurl_setopt_str(easy, CURLOPT_URL, request.url))
        set(ccurl_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(ccurl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        set(ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
        set(ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout)))
        if let idle = request.idleTimeout {
            set(ccurl_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1))
            set(ccurl_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(idle.rounded(.up)))))
        }
        set(ccurl_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes)))
        if let caFile = tls.caFile { set(ccurl_setopt_str(easy, CURLOPT_CAINFO, caFile)) }
        if let version = tls.sslVersion { set(ccurl_setopt_long(easy, CURLOPT_SSLVERSION, version)) }
        if request.followRedirects {
            set(ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1))
            set(ccurl_setopt_long(easy, CURLOPT_MAXREDIRS, 5))
        }

        set(ccurl_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            guard let user else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
            return transfer.receiveBody(bytes) ? size * count : 0
        })
        set(ccurl_setopt_ptr(easy, CURLOPT_WRITEDATA, me))
        set(ccurl_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION) { data, size, count, user in
            guard let user else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
            transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        set(ccurl_setopt_ptr(easy, CURLOPT_HEADERDATA, me))

        let method = request.method.uppercased()
        if request.body != nil || method == "POST" {
            let body = request.body ?? Data()
            set(ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            var empty: UInt8 = 0
            if body.isEmpty {
                set(ccurl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, &empty))
            } else {
                body.withUnsafeBytes { raw in
                    set(ccurl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress)))
                }
            }
            if method != "POST" { set(ccurl_setopt_str(easy, CURLOPT_CUSTOMREQUEST, request.method)) }
        } else if method == "GET" {
            set(ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1))
        } else if method == "HEAD" {
            set(ccurl_setopt_long(easy, CURLOPT_NOBODY, 1))
        } else {
            set(ccurl_setopt_str(easy, CURLOPT_CUSTOMREQUEST, request.method))
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        if !request.headers.contains(where: { $0.0.caseInsensitiveEquals("Expect") }) {
            list = curl_slist_append(list, "Expect:")  // no 100-continue round trip for larger bodies
        }
        headerList = list
        set(ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, list))
        return rc
    }

    /// Forgets the easy handle (after `curl_multi_remove_handle`); the header list may be freed now.
    func detach() {
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }  // 0: libcurl's "no limit"
        return max(1, Int((seconds * 1000).rounded(.up)))
    }

    // MARK: - callbacks (loop thread, inside curl_multi_perform)

    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        guard !headComplete else { return }  // trailers
        var line = String(decoding: bytes, as: UTF8.self)
        while line.last?.isNewline == true { line.removeLast() }  // "\r\n" is one Character
        if line.hasPrefix("HTTP/") {
            fields.removeAll()
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else if line.isEmpty {
            let redirecting = request.followRedirects && (300..<400).contains(status)
                && fields.contains { $0.name.caseInsensitiveEquals("Location") }
            if status >= 200 && !redirecting {
                headComplete = true
                deliverHead()
            }
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            fields.append(HTTPHeaders.Field(name: name, value: value))
        }
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        received += bytes.count
        if received > request.maxResponseBytes {
            exceededLimit = true
            return false
        }
        switch sink {
        case .buffered: body.append(contentsOf: bytes)
        case .stream(let continuation):
            deliverHead()
            continuation.yield(.body(Data(bytes)))
        case nil: break
        }
        return true
    }

    private func deliverHead() {
        guard !headDelivered, case .stream(let continuation) = sink else { return }
        headDelivered = true
        continuation.yield(.head(HTTPResponseHead(status: status, headers: HTTPHeaders(fields), url: effectiveURL())))
    }

    private func effectiveURL() -> String {
        var pointer: UnsafeMutablePointer<CChar>?
        if let easy, ccurl_getinfo_str(easy, CURLINFO_EFFECTIVE_URL, &pointer) == CURLE_OK, let pointer {
            return String(cString: pointer)
        }
        return request.url
    }

    // MARK: - completion (loop thread)

    /// Delivers the outcome of a transfer libcurl reported done. Call before `detach()`.
    func complete(_ result: CURLcode) {
        guard result == CURLE_OK else {
            fail(makeError(result))
            return
        }
        guard !finished, let easy else { return }
        finished = true
        var code = 0
        if ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK, code > 0 { status = code }
        var connects = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        switch sink {
        case .buffered(let continuation):
            continuation.resume(returning: HTTPResponse(status: status, headers: HTTPHeaders(fields), body: body,
                                                        url: effectiveURL(), connectionReused: connects == 0))
        case .stream(let continuation):
            deliverHead()
            continuation.finish()
        case nil: break
        }
    }

    /// Delivers an error (idempotent: only the first outcome counts).
    func fail(_ error: any Error) {
        guard !finished else { return }
        finished = true
        switch sink {
        case .buffered(let continuation): continuation.resume(throwing: error)
        case .stream(let continuation): continuation.finish(throwing: error)
        case nil: break
        }
    }

    /// A `CurlError` for the request (used for set-up failures and client shutdown too).
    func error(_ code: CurlError.Code, curlCode: CURLcode? = nil, detail: String) -> CurlError {
        CurlError(code: code, url: request.url, method: request.method.uppercased(),
                  curlCode: curlCode.map { Int($0.rawValue) }, detail: detail)
    }

    private func makeError(_ result: CURLcode) -> CurlError {
        var detail = String(cString: curl_easy_strerror(result))
        let buffer = String(cString: errorBuffer)
        if !buffer.isEmpty && buffer != detail { detail += " (\(buffer))" }
        let code: CurlError.Code
        if exceededLimit || result == CURLE_FILESIZE_EXCEEDED {
            code = .tooLarge
            detail = "response body exceeds maxResponseBytes=\(request.maxResponseBytes)"
        } else {
            code = Self.classify(result)
        }
        return error(code, curlCode: result, detail: detail)
    }

    private static func classify(_ result: CURLcode) -> CurlError.Code {
        switch result {
        case CURLE_COULDNT_CONNECT: return .connectFailed
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE,
             CURLE_ABORTED_BY_CALLBACK, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .aborted
        default: return .other
        }
    }
}
