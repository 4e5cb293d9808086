/// How sensitive a record is, ordered `public < internal < restricted`. A caller's clearance is the highest
/// level it may see; rows above it are excluded inside the search, before top-k.
public enum AccessLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case `public`
    case `internal`
    case restricted

    var rank: UInt8 {
        switch self {
        case .public: 0
        case .internal: 1
        case .restricted: 2
        }
    }

    init?(rank: UInt8) {
        switch rank {
        case 0: self = .public
        case 1: self = .internal
        case 2: self = .restricted
        default: return nil
        }
    }

    public static func < (lhs: AccessLevel, rhs: AccessLevel) -> Bool { lhs.rank < rhs.rank }

    /// Parses a level name, throwing an error that lists the accepted names.
    public static func parse(_ text: String, field: String = "access_level") throws -> AccessLevel {
        guard let level = AccessLevel(rawValue: text.lowercased()) else {
            throw VectorStoreError(.invalidMetadata,
                "\(field) must be one of public, internal, restricted; got \"\(text)\"")
        }
        return level
    }
}
