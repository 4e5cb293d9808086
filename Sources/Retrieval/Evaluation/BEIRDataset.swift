import Foundation

/// A malformed or missing BEIR file: names the file and, for a bad line, its 1-based line number.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line number, or nil when the whole file is at fault (missing, unreadable, empty).
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// One corpus document of a BEIR dataset.
public struct BEIRDocument: Sendable, Equatable {
    public var id: String
    public var title: String
    public var text: String

    public init(id: String, title: String = "", text: String) {
        self.id = id
        self.title = title
        self.text = text
    }

    /// What gets embedded: `title + " " + text`, trimmed (BEIR's sentence-transformers convention).
    public var embeddingText: String {
        (title + " " + text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// One query of a split, with its relevance judgements (corpus id → graded relevance).
public struct BEIRQuery: Sendable, Equatable {
    public var id: String
    public var text: String
    public var grades: [String: Int]

    public init(id: String, text: String, grades: [String: Int]) {
        self.id = id
        self.text = text
        self.grades = grades
    }
}

/// A BEIR dataset folder: `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl` (`_id`, `text`) and
/// `qrels/SPLIT.tsv` (`query-id corpus-id score`, tab-separated, with a header line).
///
/// The split's queries are the ones its qrels judge, in order of first appearance there (as BEIR does).
public struct BEIRDataset: Sendable {
    public var directory: String
    public var split: String
    public var corpus: [BEIRDocument]
    public var queries: [BEIRQuery]

    public init(directory: String, split: String, corpus: [BEIRDocument], queries: [BEIRQuery]) {
        self.directory = directory
        self.split = split
        self.corpus = corpus
        self.queries = queries
    }

    /// Reads the three files.
    /// - Throws: `DatasetError` naming the file (and line) for a missing file, invalid JSON, a missing or
    ///   non-string `_id`/`text`, a duplicate id, a qrels line without three fields or with a non-integer score,
    ///   or a judged query that `queries.jsonl` lacks.
    public static func load(directory: String, split: String = "test") throws -> BEIRDataset {
        let base = URL(fileURLWithPath: directory)
        let corpusPath = base.appendingPathComponent("corpus.jsonl").path
        let queriesPath = base.appendingPathComponent("queries.jsonl").path
        let qrelsPath = base.appendingPathComponent("qrels").appendingPathComponent("\(split).tsv").path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(file: directory, "no such dataset directory")
        }
        let corpus = try parseCorpus(try read(corpusPath), file: corpusPath)
        let texts = try parseQueries(try read(queriesPath), file: queriesPath)
        let qrels = try parseQrels(try read(qrelsPath), file: qrelsPath)
        var queries: [BEIRQuery] = []
        queries.reserveCapacity(qrels.count)
        for judged in qrels {
            guard let text = texts[judged.id] else {
                throw DatasetError(file: qrelsPath, line: judged.line, "query \"\(judged.id)\" is not in \(queriesPath)")
            }
            queries.append(BEIRQuery(id: judged.id, text: text, grades: judged.grades))
        }
        return BEIRDataset(directory: directory, split: split, corpus: corpus, queries: queries)
    }

    static func read(_ path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError(file: path, "no such file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DatasetError(file: path, "cannot read: \(error.localizedDescription)")
        }
    }

    /// Parses `corpus.jsonl`. Blank lines are skipped; `title` may be missing.
    public static func parseCorpus(_ data: Data, file: String) throws -> [BEIRDocument] {
        var documents: [BEIRDocument] = []
        var seen = Set<String>()
        try forEachLine(data, file: file) { line, number in
            let object = try jsonObject(line, file: file, line: number)
            let id = try identifier(object, file: file, line: number)
            let text = try string(object, "text", file: file, line: number)
            var title = ""
            if let value = object["title"], !(value is NSNull) {
                guard let string = value as? String else {
                    throw DatasetError(file: file, line: number, "\"title\" must be a string")
                }
                title = string
            }
            guard seen.insert(id).inserted else {
                throw DatasetError(file: file, line: number, "duplicate document id \"\(id)\"")
            }
            documents.append(BEIRDocument(id: id, title: title, text: text))
        }
        guard !documents.isEmpty else { throw DatasetError(file: file, "the corpus has no documents") }
        return documents
    }

    /// Parses `queries.jsonl` into id → text. Blank lines are skipped.
    public static func parseQueries(_ data: Data, file: String) throws -> [String: String] {
        var queries: [String: String] = [:]
        try forEachLine(data, file: file) { line, number in
            let object = try jsonObject(line, file: file, line: number)
            let id = try identifier(object, file: file, line: number)
            let text = try string(object, "text", file: file, line: number)
            guard queries.updateValue(text, forKey: id) == nil else {
                throw DatasetError(file: file, line: number, "duplicate query id \"\(id)\"")
            }
        }
        return queries
    }

    /// One judged query of a qrels file: its grades and the line where it first appears.
    public struct JudgedQuery: Sendable, Equatable {
        public var id: String
        public var line: Int
        public var grades: [String: Int]
    }

    /// Parses `qrels/SPLIT.tsv`: `query-id corpus-id score` per line, tab-separated (runs of spaces are accepted
    /// too), integer scores. A first line whose score field is not a number is the header and is skipped.
    /// A repeated (query, document) pair keeps the last score.
    public static func parseQrels(_ data: Data, file: String) throws -> [JudgedQuery] {
        var order: [String] = []
        var judged: [String: JudgedQuery] = [:]
        var first = true
        try forEachLine(data, file: file) { line, number in
            var fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.count != 3 {
                fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            }
            defer { first = false }
            guard fields.count == 3 else {
                throw DatasetError(file: file, line: number,
                                   "expected 3 tab-separated fields (query-id, corpus-id, score), got \(fields.count)")
            }
            guard let score = Int(fields[2]) ?? Double(fields[2]).flatMap({ $0.rounded() == $0 ? Int(exactly: $0) : nil }) else {
                if first { return }   // the header
                throw DatasetError(file: file, line: number, "score \"\(fields[2])\" is not an integer")
            }
            let (queryID, documentID) = (fields[0], fields[1])
            guard !queryID.isEmpty, !documentID.isEmpty else {
                throw DatasetError(file: file, line: number, "empty query-id or corpus-id")
            }
            if judged[queryID] == nil {
                order.append(queryID)
                judged[queryID] = JudgedQuery(id: queryID, line: number, grades: [:])
            }
            judged[queryID]!.grades[documentID] = score
        }
        guard !order.isEmpty else { throw DatasetError(file: file, "no relevance judgements") }
        return order.map { judged[$0]! }
    }

    // MARK: - Lines and fields

    /// Calls `body` with each non-blank line (LF or CRLF; a UTF-8 BOM is dropped) and its 1-based number.
    static func forEachLine(_ data: Data, file: String, _ body: (String, Int) throws -> Void) throws {
        var number = 0
        var start = data.startIndex
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        while start < data.endIndex {
            number += 1
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            var slice = data[start..<end]
            if slice.last == 0x0D { slice = slice.dropLast() }
            start = end < data.endIndex ? end + 1 : end
            guard let line = String(data: slice, encoding: .utf8) else {
                throw DatasetError(file: file, line: number, "not valid UTF-8")
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            try body(line, number)
        }
    }

    static func jsonObject(_ line: String, file: String, line number: Int) throws -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        } catch {
            throw DatasetError(file: file, line: number, "invalid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw DatasetError(file: file, line: number, "expected a JSON object")
        }
        return object
    }

    /// `_id` as a string; an integer id (some exports write them unquoted) is accepted as its decimal form.
    static func identifier(_ object: [String: Any], file: String, line number: Int) throws -> String {
        switch object["_id"] {
        case let id as String where !id.isEmpty:
            return id
        case let id as Int:
            return String(id)
        case nil:
            throw DatasetError(file: file, line: number, "missing \"_id\"")
        default:
            throw DatasetError(file: file, line: number, "\"_id\" must be a non-empty string")
        }
    }

    static func string(_ object: [String: Any], _ key: String, file: String, line number: Int) throws -> String {
        guard let value = object[key] else { throw DatasetError(file: file, line: number, "missing \"\(key)\"") }
        guard let string = value as? String else { throw DatasetError(file: file, line: number, "\"\(key)\" must be a string") }
        return string
    }
}
