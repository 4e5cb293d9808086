import Foundation

/// Decides whether two queries that embed almost identically may still share an answer.
///
/// Sentence embeddings barely move when a query gains a "not", changes "version 2" to "version 3" or "before"
/// to "after", yet the answer flips. Two queries are compatible only when they have the same multiset of
/// negations (`not`, `no`, `never`, `without`, `n't` contractions, … — each normalised, so "doesn't" equals
/// "does not"), the same multiset of numbers (digits, including decimals and ordinals such as "3rd", and the
/// number words zero–twenty; "2" equals "2.0" equals "two") and the same multiset of polar words (`before`,
/// `after`, `above`, `below`, `more`, `less`, `min`, `max`, `enable`, `disable`, …).
public enum SemanticQueryGuard {
    /// True when `a` and `b` agree on negations, numbers and polar words.
    public static func compatible(_ a: String, _ b: String) -> Bool {
        features(a) == features(b)
    }

    /// The guarded features of a query: sorted negations, numbers and polar words.
    static func features(_ query: String) -> Features {
        var negations: [String] = []
        var numbers: [Double] = []
        var polar: [String] = []
        for raw in words(query) {
            var word = raw
            if word.hasSuffix("n't") || word.hasSuffix("n’t") {
                negations.append("not")
                word = String(word.dropLast(3))
                if word.isEmpty { continue }
            }
            if negationWords.contains(word) {
                negations.append(word == "cannot" ? "not" : word)
            } else if let number = number(word) {
                numbers.append(number)
            } else if polarWords.contains(word) {
                polar.append(word)
            }
        }
        return Features(negations: negations.sorted(), numbers: numbers.sorted(), polar: polar.sorted())
    }

    struct Features: Equatable {
        var negations: [String]
        var numbers: [Double]
        var polar: [String]
    }

    /// Lowercased words: runs of letters, digits, apostrophes, and dots between digits ("2.5").
    private static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        let characters = Array(text.lowercased())
        for (i, c) in characters.enumerated() {
            if c.isLetter || c.isNumber || c == "'" || c == "’" {
                current.append(c)
            } else if c == ".", let last = current.last, last.isNumber, i + 1 < characters.count, characters[i + 1].isNumber {
                current.append(c)
            } else {
                if !current.isEmpty { result.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'’")) }.filter { !$0.isEmpty }
    }

    private static func number(_ word: String) -> Double? {
        if let value = Double(word) { return value }
        if let value = numberWords[word] { return value }
        // Ordinals and units glued to digits: "3rd", "10x", "v2" → the digits.
        let digits = word.drop { !$0.isNumber }.prefix { $0.isNumber || $0 == "." }
        if !digits.isEmpty, let value = Double(digits) { return value }
        return nil
    }

    private static let negationWords: Set<String> = [
        "not", "no", "never", "without", "none", "nothing", "nobody", "nowhere", "neither", "nor", "cannot",
        "except", "excluding", "nicht", "kein", "keine", "pas", "jamais", "sin", "nunca",
    ]

    private static let polarWords: Set<String> = [
        "before", "after", "above", "below", "over", "under", "more", "less", "fewer", "most", "least",
        "min", "max", "minimum", "maximum", "higher", "lower", "increase", "decrease", "enable", "disable",
        "enabled", "disabled", "allow", "deny", "allowed", "denied", "include", "exclude", "add", "remove",
        "start", "stop", "earlier", "later", "older", "newer", "oldest", "newest", "first", "last",
        "upload", "download", "import", "export", "input", "output", "encrypt", "decrypt", "true", "false",
        "yes", "success", "failure", "inbound", "outbound", "ascending", "descending", "faster", "slower",
        "best", "worst", "better", "worse", "largest", "smallest", "maximal", "minimal", "up", "down",
    ]

    private static let numberWords: [String: Double] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "second": 2, "third": 3,
        "fourth": 4, "fifth": 5, "hundred": 100, "thousand": 1000,
    ]
}
