import ArgumentParser
import CurlHTTP
import Foundation

/// `--server URL` for `ragctl search` and `ragctl query`: the same request sent to a running `ragctl serve`.
struct RemoteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Send the request to a running server (e.g. http://127.0.0.1:8080) instead of opening the store.",
                                            valueName: "url"))
    var server: String?

    @Option(name: .long, help: ArgumentHelp("API key or JWT for --server (env RAGCTL_API_KEY).", valueName: "key"))
    var apiKey: String?

    @Option(name: .long, help: ArgumentHelp("PEM file of the CA that signed an https:// --server's certificate, instead of the system CAs (env RAGCTL_CACERT).",
                                            valueName: "path"))
    var cacert: String?

    /// POSTs `body` to `path` on the server; returns the decoded JSON object, or throws the server's problem
    /// (its code and detail) as a command failure.
    func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        guard let server else { throw CommandFailure(code: "usage", message: "--server is not set") }
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw CommandFailure(code: "usage", message: "--server must be an http:// or https:// URL, got \(server)")
        }
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let key = apiKey ?? ProcessInfo.processInfo.environment["RAGCTL_API_KEY"], !key.isEmpty {
            headers.append(("Authorization", "Bearer \(key)"))
        }
        var request = HTTPRequest(method: "POST", url: base + path, headers: headers,
                                  body: try JSONSerialization.data(withJSONObject: body))
        request.totalTimeout = 300
        let caFile = cacert ?? ProcessInfo.processInfo.environment["RAGCTL_CACERT"].flatMap { $0.isEmpty ? nil : $0 }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw CommandFailure(code: "usage", message: "cannot read the CA file \(caFile) (--cacert or RAGCTL_CACERT)")
        }
        let response: HTTPResponse
        do {
            response = try await CurlClient(maxConnections: 1, tls: TLSOptions(caFile: caFile)).send(request)
        } catch {
            throw CommandFailure(code: "server_unreachable", message: "cannot reach \(base): \(error)")
        }
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard response.isSuccess, let object else {
            let detail = object?["detail"] as? String ?? String(decoding: response.body.prefix(300), as: UTF8.self)
            throw CommandFailure(code: object?["code"] as? String ?? "http_\(response.status)",
                                 message: "server answered \(response.status): \(detail)")
        }
        return object
    }
}
