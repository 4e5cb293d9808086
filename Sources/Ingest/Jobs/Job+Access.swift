import Foundation
import VectorStore

extension Job {
    /// The access level of the documents the job writes (its request's `accessLevel`). A job is as sensitive as
    /// those documents: its errors name their files. A request that cannot be read counts as `restricted`.
    public var accessLevel: AccessLevel {
        struct Options: Decodable { var accessLevel: AccessLevel? }
        guard let options = try? JSONDecoder().decode(Options.self, from: Data(request.utf8)) else { return .restricted }
        return options.accessLevel ?? .public
    }
}
