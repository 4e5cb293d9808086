import Foundation

/// Result of `InjectionDetector.score`. `signals` names the rules that fired, strongest first; the mitigating
/// rule `meta_discussion` (text that talks *about* attacks) is listed too when it lowered the score.
public struct InjectionFinding: Sendable, Equatable {
    public var score: Double
    public var signals: [String]
    public var threshold: Double

    public var isInjection: Bool { score >= threshold }

    public init(score: Double, signals: [String], threshold: Double) {
        self.score = score
        self.signals = signals
        self.threshold = threshold
    }
}

/// Heuristic prompt-injection scorer for user queries and ingested passages.
///
/// The text is normalised (`SafetyNormalizedText`), then rules fire with weights in 0...1:
/// `instruction_override`, `role_play`, `system_prompt_extraction`, `hidden_instruction`, `delimiter_injection`,
/// `encoded_payload` (base64/hex/rot13 that decodes to text which itself scores as an attack), `exfiltration`.
/// The strongest weight per rule is combined by noisy-OR (`1 - Π(1 - wᵢ)`); text that discusses attacks
/// (questions, security docs, chat-template docs) is damped. Rules cover English plus the common German,
/// French, Spanish, Italian, Portuguese and Dutch phrasings of overrides, persona switches and prompt requests.
///
/// Performance: normalisation runs on UTF-8 bytes with lookup tables, tokens are interned as integer IDs
/// (`SafetyWordTable`), every lexicon phrase is found in one pass over the tokens and one pass over the
/// bytes (`InjectionPatterns`), and the rules then only read bits and IDs.
public struct InjectionDetector: Sendable {
    public let threshold: Double

    public init(threshold: Double = 0.5) {
        self.threshold = threshold
    }

    public func score(_ text: String) -> InjectionFinding {
        let (score, signals) = evaluate(text, depth: 0)
        return InjectionFinding(score: score, signals: signals, threshold: threshold)
    }

    // MARK: - Evaluation

    static let ruleNames = ["instruction_override", "role_play", "system_prompt_extraction", "hidden_instruction",
                            "delimiter_injection", "exfiltration", "encoded_payload"]

    func evaluate(_ raw: String, depth: Int) -> (Double, [String]) {
        // Very long passages: score overlapping windows so cost stays linear and local context decides.
        if raw.utf8.count > 8_192 {
            return evaluateWindows(raw, depth: depth)
        }
        let patterns = InjectionPatterns.shared
        let t = SafetyNormalizedText(raw, table: patterns.table)
        let ctx = InjectionRuleContext(t, patterns)
        var weights = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        @inline(__always) func clamp(_ w: Double) -> Double { w > 0 ? min(w, 0.99) : 0 }
        weights.0 = clamp(ctx.instructionOverride())
        weights.1 = clamp(ctx.rolePlay())
        weights.2 = clamp(ctx.systemPromptExtraction())
        weights.3 = clamp(ctx.hiddenInstruction())
        weights.4 = clamp(ctx.delimiterInjection())
        weights.5 = clamp(ctx.exfiltration())
        if depth == 0 { weights.6 = clamp(encodedPayload(raw, ctx)) }
        let all = [weights.0, weights.1, weights.2, weights.3, weights.4, weights.5, weights.6]

        var fired: [(String, Double)] = []
        for (k, w) in all.enumerated() where w > 0 { fired.append((Self.ruleNames[k], w)) }
        guard !fired.isEmpty else { return (0, []) }
        var keep = 1.0
        for (_, w) in fired { keep *= 1 - w }
        var score = 1 - keep
        var signals = fired.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
        let damping = ctx.metaDamping(strongest: fired.map(\.1).max() ?? 0, signalCount: fired.count)
        if damping < 1 {
            score *= damping
            signals.append("meta_discussion")
        }
        return (min(max(score, 0), 1), signals)
    }

    func evaluateWindows(_ raw: String, depth: Int) -> (Double, [String]) {
        // Windows of 4,096 scalars every 3,072 scalars, cut from the string without copying scalars one by one.
        let scalars = raw.unicodeScalars
        var best = (0.0, [String]())
        var start = scalars.startIndex
        let window = 4_096, step = 3_072
        while start < scalars.endIndex {
            let end = scalars.index(start, offsetBy: window, limitedBy: scalars.endIndex) ?? scalars.endIndex
            let result = evaluate(String(scalars[start..<end]), depth: depth)
            if result.0 > best.0 { best = result }
            if end == scalars.endIndex { break }
            start = scalars.index(start, offsetBy: step)
        }
        return best
    }

    // MARK: Encoded payloads

    func encodedPayload(_ raw: String, _ ctx: InjectionRuleContext) -> Double {
        var best = 0.0
        var base64: [String] = [], hex: [String] = []
        InjectionDetector.encodedRuns(raw, base64: &base64, hex: &hex)
        for candidate in base64 {
            guard let decoded = InjectionDetector.decodeBase64(candidate), InjectionDetector.isReadable(decoded) else { continue }
            let (inner, _) = evaluate(decoded, depth: 1)
            best = max(best, inner >= 0.5 ? 0.9 : (inner > 0.2 ? 0.45 : 0))
        }
        for candidate in hex {
            guard let decoded = InjectionDetector.decodeHex(candidate), InjectionDetector.isReadable(decoded) else { continue }
            let (inner, _) = evaluate(decoded, depth: 1)
            best = max(best, inner >= 0.5 ? 0.9 : (inner > 0.2 ? 0.45 : 0))
        }
        if ctx.containsAny(ctx.p.rotHints) {
            let (inner, _) = evaluate(InjectionDetector.rot13(raw), depth: 1)
            best = max(best, inner >= 0.5 ? 0.85 : 0)
        }
        return best
    }

    /// Byte classes for `encodedRuns`: bit 0 = base64 alphabet (incl. URL-safe and '='), bit 1 = hex digit,
    /// bit 2 = upper-case letter, bit 3 = lower-case letter.
    nonisolated(unsafe) static let runClass: UnsafePointer<UInt8> = {
        let table = (0..<256).map { b -> UInt8 in
        var c: UInt8 = 0
        if (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 43 || b == 47 || b == 61 || b == 45 || b == 95 { c |= 1 }
        if (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70) { c |= 2 }
        if b >= 65 && b <= 90 { c |= 4 }
        if b >= 97 && b <= 122 { c |= 8 }
        return c
        }
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        p.initialize(from: table, count: 256)
        return UnsafePointer(p)
    }()

    /// `base64Runs` and `hexRuns` without copying bytes. Only runs of ≥ 24 bytes can qualify, and every such run
    /// covers a byte whose offset is 23 mod 24: those bytes are sampled and only a hit is widened to its run.
    static func encodedRuns(_ raw: String, base64: inout [String], hex: inout [String]) {
        var raw = raw
        raw.withUTF8 { p in
            let cls = runClass
            // Base64 alphabet (bit 0): mixed case, ≥ 60 % letters; first 17 qualifying runs.
            forEachLongRun(p, cls, bit: 1) { s, e in
                var letters = 0, upper = false, lower = false
                for k in s..<e {
                    let d = cls[Int(p[k])]
                    if d & 4 != 0 { upper = true; letters += 1 } else if d & 8 != 0 { lower = true; letters += 1 }
                }
                if upper && lower, letters * 10 >= (e - s) * 6 {
                    base64.append(String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self))
                }
                return base64.count <= 16
            }
            // Hex digits (bit 1): even length; first 17 runs.
            forEachLongRun(p, cls, bit: 2) { s, e in
                if (e - s) % 2 == 0 { hex.append(String(decoding: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)) }
                return hex.count <= 16
            }
        }
    }

    /// Calls `body(start, end)` for each maximal run of ≥ 24 bytes whose class has `bit`, in order, until it returns false.
    @inline(__always)
    static func forEachLongRun(_ p: UnsafeBufferPointer<UInt8>, _ cls: UnsafePointer<UInt8>, bit: UInt8, _ body: (Int, Int) -> Bool) {
        let n = p.count, width = 24
        var k = width - 1
        while k < n {
            if cls[Int(p[k])] & bit == 0 { k += width; continue }
            var s = k
            while s > 0, cls[Int(p[s - 1])] & bit != 0 { s -= 1 }
            var e = k + 1
            while e < n, cls[Int(p[e])] & bit != 0 { e += 1 }
            if e - s >= width, !body(s, e) { return }
            // The next run starts after `e`; resume at the first sample past it.
            while k <= e { k += width }
        }
    }

    static func base64Runs(_ raw: String) -> [String] {
        var b: [String] = [], h: [String] = []
        encodedRuns(raw, base64: &b, hex: &h)
        return b
    }

    static func hexRuns(_ raw: String) -> [String] {
        var b: [String] = [], h: [String] = []
        encodedRuns(raw, base64: &b, hex: &h)
        return h
    }

    static func decodeBase64(_ run: String) -> String? {
        var s = run.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        s = String(s.prefix { $0 != "=" })
        let usable = s.count - s.count % 4
        // Try the run as is (padded), then aligned prefixes.
        for candidate in [s + String(repeating: "=", count: (4 - s.count % 4) % 4), String(s.prefix(usable))] {
            if let data = Data(base64Encoded: candidate), !data.isEmpty {
                return String(decoding: data, as: UTF8.self)
            }
        }
        return nil
    }

    static func decodeHex(_ run: String) -> String? {
        var bytes: [UInt8] = []
        var hi: UInt8?
        for b in run.utf8 {
            let v: UInt8
            switch b {
            case 48...57: v = b - 48
            case 97...102: v = b - 87
            case 65...70: v = b - 55
            default: return nil
            }
            if let h = hi { bytes.append(h << 4 | v); hi = nil } else { hi = v }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Mostly printable text with spaces: the decoded payload reads like language, not binary or JSON.
    static func isReadable(_ s: String) -> Bool {
        var printable = 0, total = 0, spaces = 0, letters = 0
        for u in s.unicodeScalars {
            total += 1
            if u == " " { spaces += 1 }
            if u.properties.isAlphabetic { letters += 1 }
            if u.value >= 32 && u.value != 0xFFFD && u.value != 127 { printable += 1 }
        }
        return total >= 12 && printable * 100 >= total * 95 && spaces >= 2 && letters * 2 >= total
    }

    static func rot13(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { u -> Unicode.Scalar in
            switch u.value {
            case 65...90: return Unicode.Scalar((u.value - 65 + 13) % 26 + 65)!
            case 97...122: return Unicode.Scalar((u.value - 97 + 13) % 26 + 97)!
            default: return u
            }
        }))
    }
}

// MARK: - Lexicon

enum InjectionLexicon {
    static let overrideVerbs: Set<String> = [
        "ignore", "ignoring", "ignored", "disregard", "disregarding", "forget", "forgetting", "skip", "override", "bypass",
        "overlook", "abandon", "discard", "drop", "dismiss", "neglect", "overwrite", "erase", "delete", "clear",
        // de / fr / es / it / pt / nl
        "ignoriere", "ignorier", "ignorieren", "vergiss", "vergesse", "vergessen", "missachte", "missachten", "uberspringe",
        "ignorez", "ignorer", "oublie", "oubliez", "oublier",
        "ignora", "ignorar", "ignore", "olvida", "olvidar", "olvide", "omite",
        "dimentica", "dimenticare", "tralascia",
        "esqueca", "esquecer", "desconsidere", "desconsidera",
        "negeer", "negeren", "vergeet",
    ]
    static let overrideObjects: Set<String> = [
        "instructions", "instruction", "rules", "rule", "directions", "directives", "guidelines", "guidance", "prompt",
        "prompts", "commands", "constraints", "programming", "restrictions", "policies", "orders", "context", "training",
        "anweisungen", "anweisung", "instruktionen", "regeln", "vorgaben", "befehle", "richtlinien",
        "consignes", "regles", "directives",
        "instrucciones", "reglas", "indicaciones", "ordenes",
        "istruzioni", "regole", "indicazioni",
        "instrucoes", "regras", "orientacoes",
        "instructies", "regels", "aanwijzingen",
    ]
    static let overrideQualifiers: Set<String> = [
        "previous", "prior", "above", "earlier", "preceding", "all", "any", "your", "original", "initial", "old", "former",
        "existing", "system", "safety", "every", "these", "those", "given", "before",
        "vorherigen", "vorherige", "bisherigen", "bisherige", "obigen", "obige", "alle", "deine", "deinen", "allen", "vorigen",
        "precedentes", "precedente", "toutes", "tous", "vos", "tes", "dessus", "anterieures",
        "anteriores", "anterior", "todas", "todos", "tus", "previas", "previos", "sus",
        "precedenti", "tutte", "tutti", "tue", "sopra",
        "as", "suas", "acima",
        "vorige", "eerdere", "je", "bovenstaande",
    ]
    static let voidWords: Set<String> = ["void", "revoked", "lifted", "cancelled", "canceled", "invalid", "null", "suspended", "overridden", "disabled", "deprecated"]

    static let jailbreakPhrases: [SafetyPhrase] = [
        "dan", "do anything now", "developer mode", "dev mode", "jailbreak", "jailbroken", "jailbreaked", "uncensored", "unfiltered",
        "unrestricted", "no restrictions", "no limits", "no limitations", "no rules", "no filters", "no filter", "no ethical",
        "no moral", "no morals", "no guidelines", "without restrictions", "without any restrictions", "without filters",
        "without any filters", "without limits", "without any safety", "no content policy", "no safety", "safety guidelines",
        "content policies are disabled", "content filters", "god mode", "opposite mode", "evil", "evilbot", "stay in character",
        "never refuses", "never refuse", "free from", "freed from", "break free", "breaks free", "not have any guidelines",
        "do not have any", "don't have any", "no ethics", "amoral", "machiavellian", "mongo tom", "stan", "aim",
        "ohne einschrankungen", "ohne regeln", "keine regeln", "sans regles", "sans restrictions", "sans limites",
        "sin restricciones", "sin reglas", "sin limites", "senza restrizioni", "senza regole", "sem restricoes", "sem regras",
        "zonder beperkingen", "zonder regels", "any ethical", "limitations", "not bound",
    ]
    static let harmfulPhrases: [SafetyPhrase] = [
        "explosive", "explosives", "bomb", "weapon", "weapons", "meth", "napalm", "activation keys", "activation key",
        "malware", "ransomware", "hotwire", "pick a lock", "poison", "credit card numbers", "steal",
    ]
    static let personaPhrases: [SafetyPhrase] = [
        "you are now", "you're now", "youre now", "you are no longer", "from now on you", "from this point forward you",
        "act as", "acting as", "pretend you", "pretend that you", "pretend to be", "roleplay as", "role play as", "role-play as",
        "simulate", "imagine you are", "imagine you're", "if you were", "answer as", "respond as", "you will respond as",
        "i want you to act", "stay in character", "enable", "switch to", "you have been freed", "you are going to act",
        "du bist jetzt", "du bist nun", "tu es maintenant", "vous etes maintenant", "ahora eres", "ahora tu eres", "ora sei",
        "sei ora", "agora voce e", "agora es", "je bent nu", "from now on",
    ]

    static let extractionVerbs: Set<String> = [
        "reveal", "print", "show", "repeat", "output", "display", "dump", "leak", "recite", "echo", "spell", "tell", "give",
        "write", "share", "disclose", "expose", "paste", "copy", "summarize", "summarise", "translate", "quote", "list",
        "provide", "return", "send", "zeige", "zeig", "gib", "nenne", "verrate", "affiche", "affichez", "revele", "revelez",
        "montre", "montrez", "donne", "muestra", "muestrame", "revela", "dime", "mostra", "rivela", "mostre", "revele",
        "toon", "geef", "laat",
    ]
    static let strongExtractionVerbs: Set<String> = ["reveal", "leak", "dump", "disclose", "expose", "recite", "verrate", "revele", "revelez", "revela", "rivela"]
    /// Target phrases; the Bool marks targets that are unambiguous on their own (no "your" needed).
    static let extractionTargets: [(SafetyPhrase, Bool)] = [
        ("system prompt", false), ("systemprompt", false), ("system message", false), ("system instructions", false),
        ("pre-prompt", true), ("preprompt", true), ("pre prompt", true), ("initial instructions", true), ("original instructions", true),
        ("hidden instructions", true), ("secret instructions", true), ("confidential instructions", true),
        ("initial prompt", true), ("original prompt", true), ("hidden rules", true), ("hidden prompt", true), ("secret rules", true),
        ("your instructions", true), ("your prompt", true), ("your rules", true), ("your configuration", true),
        ("your system", true), ("your initial", true), ("your original", true), ("your hidden", true), ("your full", true),
        ("text above", true), ("words above", true), ("everything above", true), ("everything written above", true),
        ("instructions you were given", true), ("instructions you were initialized", true), ("instructions you received", true),
        ("rules you were given", true), ("prompt you were given", true), ("message you received", true),
        ("prompt di sistema", false), ("prompt del sistema", false), ("prompt systeme", false), ("prompt de sistema", false),
        ("systeemprompt", false), ("das systemprompt", false), ("den systemprompt", false), ("deinen systemprompt", true),
        ("ton prompt", true), ("votre prompt", true), ("tu prompt", true), ("il tuo prompt", true), ("o seu prompt", true),
        ("je systeemprompt", true), ("admin password", true), ("the secret key", true), ("api key", true),
    ]
    static let youCues: Set<String> = ["your", "you", "yours", "ton", "votre", "tu", "tuo", "seu", "je", "deinen", "dein", "deine", "te"]

    static let addressCues: [SafetyPhrase] = [
        "ai assistant:", "assistant:", "note to ai", "note to the ai", "attention llm", "attention ai", "dear ai",
        "dear language model", "dear llm", "if you are an ai", "if you are a language model", "if you're an ai",
        "if you are an llm", "if you are a large language model", "if you're reading this", "to the llm", "to the ai",
        "for ai readers", "ai system reading this", "ai agent", "instructions for the ai", "instruction to the assistant",
        "instructions to the assistant", "assistant instructions", "hey chatgpt", "hey claude", "ai model processing",
        "when an ai summarizes", "when summarizing this", "when you summarize this", "when you read this",
        "as an ai assistant you must", "ai:", "llm:", "language model reading", "model reading this", "ai reading this",
        "hidden text:", "for ai", "ki-assistent:", "assistant ia :", "note pour l'ia", "nota para la ia",
    ]
    static let imperativeCues: [SafetyPhrase] = [
        "must", "tell the user", "say that", "state that", "respond", "reply", "recommend", "do not mention", "don't mention",
        "insert", "append", "ignore", "disregard", "forward", "delete", "rank", "include", "write", "convince", "rate",
        "do not reveal", "tell the customer", "your new goal", "instead",
    ]

    static let delimiterMarkers: [String] = [
        "<|im_start|>", "<|im_end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|endoftext|>", "<|eot_id|>",
        "<|start_header_id|>", "<im_start>", "<im_end>", "[inst]", "[/inst]", "<<sys>>", "<</sys>>", "</user>", "<system>",
        "</system>", "[system]", "[/system]", "### system", "### instruction", "### response", "\"role\": \"system\"",
        "'role': 'system'", "end of user input", "end of document", "end context", "end of context", "system override",
        "new system prompt", "</s>", "<s>[inst]", "begin system prompt", "end of prompt",
    ]
    static let roleLineStarts: [String] = ["system:", "assistant:", "human:", "user:", "### system:", "system override:"]
    static let rotHints: [SafetyPhrase] = ["rot13", "rot 13", "rot-13", "caesar"]
    static let newInstructionHeaders: [SafetyPhrase] = ["new instructions:", "new instruction:", "new task:", "new rules:", "new policy:", "updated instructions:", "neue anweisungen:", "nouvelles instructions", "nuevas instrucciones"]
    static let newTaskPhrases: [SafetyPhrase] = ["your new instructions", "your new task", "your new goal", "your new purpose", "your only job", "your new role", "the new task"]
    static let secrecyPhrases: [SafetyPhrase] = ["without telling the user", "do not tell the user", "don't tell the user", "silently", "without the user knowing"]
    static let whatQuestions: [SafetyPhrase] = ["what is", "what's", "what are", "what does"]
    static let roleLineStartBytes: [[UInt8]] = roleLineStarts.map { Array($0.utf8) }

    static let metaCues: [SafetyPhrase] = [
        "prompt injection", "prompt-injection", "injection attack", "what is", "what's", "what are", "what does", "how do i",
        "how can i", "how to", "how do", "why do", "why does", "explain", "for example", "an example", "example of", "examples", "e.g.", "such as", "phrases like",
        "detect", "detector", "defend", "mitigat", "prevent", "protect", "vulnerab", "classifier", "red team", "threat model",
        "security", "guideline", "policy", "unit test", "test whether", "researchers", "owasp", "attackers", "attacker may",
        "incident", "chat template", "chat format", "format", "template", "tags", "tokens", "logged", "history of",
        "in this novel", "the character", "is it possible", "is it safe", "risk",
    ]

    static let exfilVerbs: Set<String> = ["send", "post", "forward", "upload", "transmit", "exfiltrate", "append", "include", "call", "email", "leak"]
    static let exfilObjects: [String] = [
        "conversation", "chat history", "history", "documents", "api key", "password", "credentials", "email address",
        "user's", "the chat", "personal data", "retrieved documents", "these notes", "the notes",
    ]

    static let vocabulary: Set<String> = {
        var v = overrideVerbs.union(overrideObjects).union(overrideQualifiers).union(extractionVerbs).union(voidWords)
        for phrase in jailbreakPhrases + personaPhrases + extractionTargets.map(\.0) + harmfulPhrases {
            v.formUnion(phrase.words)
        }
        v.formUnion(["you", "are", "now", "reveal", "system", "prompt", "say", "pwned", "and", "secret", "hidden", "show", "all"])
        return v
    }()
}

// MARK: - Rules

/// A lexicon entry, pre-split: word phrases match whole tokens, phrases with punctuation match the
/// normalised text as bytes.
struct SafetyPhrase: Sendable, ExpressibleByStringLiteral {
    let text: String
    let words: [String]
    let bytes: [UInt8]
    let isWords: Bool

    init(stringLiteral value: String) {
        text = value
        words = value.split(separator: " ").map(String.init)
        bytes = Array(value.utf8)
        isWords = !value.utf8.contains { !(($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 32 || $0 >= 0x80) }
    }
}

/// Reference to a compiled phrase: a word phrase (`index` into `InjectionPatterns.wordPhrases`) or a byte
/// pattern (`index` into `InjectionPatterns.bytePatterns`).
struct PhraseRef: Sendable {
    let isWords: Bool
    let index: Int32
}

/// Word-ID flag bits in `InjectionPatterns.table`.
enum WordFlag {
    static let overrideVerb: UInt32 = 1 << 0
    static let overrideObject: UInt32 = 1 << 1
    static let overrideQualifier: UInt32 = 1 << 2
    static let voidWord: UInt32 = 1 << 3
    static let extractionVerb: UInt32 = 1 << 4
    static let strongExtractionVerb: UInt32 = 1 << 5
    static let youCue: UInt32 = 1 << 6
    static let exfilVerb: UInt32 = 1 << 7
    static let followWord: UInt32 = 1 << 8
    static let notWord: UInt32 = 1 << 9
    static let thirdPerson: UInt32 = 1 << 10
    static let negation: UInt32 = 1 << 11
    static let whatWord: UInt32 = 1 << 12
    static let everythingWord: UInt32 = 1 << 13
    static let youOrYour: UInt32 = 1 << 14
}

/// The lexicon compiled once: the word table with flags, word phrases as ID sequences indexed by first word,
/// byte patterns behind a 3-byte-prefix filter, and every rule list as `PhraseRef`s.
final class InjectionPatterns: Sendable {
    static let shared = InjectionPatterns()

    let table: SafetyWordTable
    /// Word phrases as ID sequences: phrase `k` is `phraseWords[phraseStart[k]..<phraseStart[k + 1]]`.
    let phraseStart: [Int32]
    let phraseWords: [Int32]
    /// Phrases starting with word ID `w`: `firstList[firstStart[w]..<firstStart[w + 1]]`.
    let firstStart: [Int32]
    let firstList: [Int32]
    var wordPhraseCount: Int { phraseStart.count - 1 }

    let bytePatterns: [[UInt8]]
    /// Patterns of ≥ 3 bytes sorted by their first three bytes (little-endian key), with a bit filter on a hash of the key.
    let prefixKeys: [UInt32]
    let prefixPatterns: [Int32]
    let prefixFilter: [UInt64]
    /// Patterns shorter than 3 bytes.
    let shortPatterns: [Int32]

    // Rule lists.
    let newInstructionHeaders, newTaskPhrases, personas, jailbreaks, harmful, addressCues, imperativeCues, rotHints,
        secrecyPhrases, whatQuestions, metaCues: [PhraseRef]
    let strongPersona: [Bool]
    let extractionTargets: [(ref: PhraseRef, strong: Bool, length: Int)]
    let delimiterMarkers: [PhraseRef]
    let roleAfterMarker: [PhraseRef]
    let fromNowOn, fromThisPointForward, assistant, pastebin, your, you: PhraseRef
    let imageOpen, linkHTTP, question, http, https, at: PhraseRef
    // Word IDs used literally by the rules.
    let idNot, idTiens, idPas, idCompte, idPay, idNo, idAttention, idAbove, idTold, idYou, idYour, idEverything,
        idBefore, idEarlier, idLonger, idApply: Int32

    private init() {
        let L = InjectionLexicon.self
        // Every word a rule compares a token with.
        var words: [String] = Array(L.vocabulary).sorted()
        let followWords = ["follow", "following", "obey", "sigas", "befolge", "suivez", "suis", "seguire"]
        let notWords = ["not", "dont", "stop", "no"]
        let thirdPerson = ["its", "their", "his", "her", "model's", "bot's", "assistant's"]
        let negations = ["not", "never", "dont", "cannot", "cant", "nicht", "pas", "no"]
        let whatWords = ["what", "which", "was", "quelles", "quel", "cual", "cuales", "welche"]
        let everything = ["everything", "tout", "todo", "alles"]
        let literals = ["tiens", "pas", "compte", "pay", "no", "attention", "above", "told", "you", "your", "everything", "before",
                        "earlier", "longer", "apply", "from", "now", "on", "this", "point", "forward", "assistant", "pastebin"]
        words += L.overrideVerbs.sorted() + L.overrideObjects.sorted() + L.overrideQualifiers.sorted() + L.voidWords.sorted()
        words += L.extractionVerbs.sorted() + L.strongExtractionVerbs.sorted() + L.youCues.sorted() + L.exfilVerbs.sorted()
        words += followWords + notWords + thirdPerson + negations + whatWords + everything + literals
        let wordLists: [[SafetyPhrase]] = [L.jailbreakPhrases, L.harmfulPhrases, L.personaPhrases, L.extractionTargets.map(\.0),
                                           L.addressCues, L.imperativeCues, L.rotHints, L.newInstructionHeaders, L.newTaskPhrases,
                                           L.secrecyPhrases, L.whatQuestions, L.metaCues]
        for list in wordLists { for p in list { words += p.words } }
        var table = SafetyWordTable(words)
        func id(_ w: String) -> Int32 { table.id(w) }
        func flag(_ list: some Sequence<String>, _ bit: UInt32) {
            for w in list { let k = id(w); precondition(k >= 0); table.flags[Int(k)] |= bit }
        }
        flag(L.vocabulary, SafetyWordTable.inVocabulary)
        flag(L.overrideVerbs, WordFlag.overrideVerb)
        flag(L.overrideObjects, WordFlag.overrideObject)
        flag(L.overrideQualifiers, WordFlag.overrideQualifier)
        flag(L.voidWords, WordFlag.voidWord)
        flag(L.extractionVerbs, WordFlag.extractionVerb)
        flag(L.strongExtractionVerbs, WordFlag.strongExtractionVerb)
        flag(L.youCues, WordFlag.youCue)
        flag(L.exfilVerbs, WordFlag.exfilVerb)
        flag(followWords, WordFlag.followWord)
        flag(notWords, WordFlag.notWord)
        flag(thirdPerson, WordFlag.thirdPerson)
        flag(negations, WordFlag.negation)
        flag(whatWords, WordFlag.whatWord)
        flag(everything, WordFlag.everythingWord)
        flag(["you", "your"], WordFlag.youOrYour)
        // Token IDs are looked up by bytes, which equals String comparison only for ASCII words.
        precondition(table.words.allSatisfy { $0.allSatisfy { $0 < 0x80 } }, "injection lexicon words must be ASCII")
        self.table = table

        // Phrases.
        var phraseIndex: [String: Int32] = [:]
        var phraseStart: [Int32] = [0], phraseWords: [Int32] = []
        var byteIndex: [String: Int32] = [:]
        var bytePatterns: [[UInt8]] = []
        func wordRef(_ p: SafetyPhrase) -> PhraseRef {
            if let k = phraseIndex[p.text] { return PhraseRef(isWords: true, index: k) }
            let k = Int32(phraseStart.count - 1)
            phraseIndex[p.text] = k
            for w in p.words { phraseWords.append(table.id(w)) }
            phraseStart.append(Int32(phraseWords.count))
            return PhraseRef(isWords: true, index: k)
        }
        func byteRef(_ text: String) -> PhraseRef {
            if let k = byteIndex[text] { return PhraseRef(isWords: false, index: k) }
            let k = Int32(bytePatterns.count)
            byteIndex[text] = k
            bytePatterns.append(Array(text.utf8))
            return PhraseRef(isWords: false, index: k)
        }
        func ref(_ p: SafetyPhrase) -> PhraseRef { p.isWords ? wordRef(p) : byteRef(p.text) }
        newInstructionHeaders = L.newInstructionHeaders.map(ref)
        newTaskPhrases = L.newTaskPhrases.map(ref)
        personas = L.personaPhrases.map(ref)
        strongPersona = L.personaPhrases.map { !["enable", "switch to", "simulate", "from now on"].contains($0.text) }
        jailbreaks = L.jailbreakPhrases.map(ref)
        harmful = L.harmfulPhrases.map(ref)
        addressCues = L.addressCues.map(ref)
        imperativeCues = L.imperativeCues.map(ref)
        rotHints = L.rotHints.map(ref)
        secrecyPhrases = L.secrecyPhrases.map(ref)
        whatQuestions = L.whatQuestions.map(ref)
        metaCues = L.metaCues.map(ref)
        // Extraction targets are always matched as words (`positions(of:)`), whatever their punctuation.
        extractionTargets = L.extractionTargets.map { (wordRef($0.0), $0.1, $0.0.words.count) }
        delimiterMarkers = L.delimiterMarkers.map(byteRef)
        roleAfterMarker = ["<|im_start|>system", "<|im_start|>assistant", "<im_start>system", "<|im_start|> system", "### system:",
                           "[system]", "<system>", "<|system|>"].map(byteRef)
        fromNowOn = ref("from now on"); fromThisPointForward = ref("from this point forward")
        assistant = ref("assistant"); pastebin = ref("pastebin"); your = ref("your"); you = ref("you")
        imageOpen = byteRef("!["); linkHTTP = byteRef("](http"); question = byteRef("?")
        http = byteRef("http://"); https = byteRef("https://"); at = byteRef("@")

        // Index word phrases by first word.
        var byFirst = [[Int32]](repeating: [], count: table.words.count)
        for k in 0..<(phraseStart.count - 1) {
            let first = phraseWords[Int(phraseStart[k])]
            if first >= 0 { byFirst[Int(first)].append(Int32(k)) }
        }
        var firstStart: [Int32] = [0], firstList: [Int32] = []
        for list in byFirst { firstList += list; firstStart.append(Int32(firstList.count)) }
        self.phraseStart = phraseStart
        self.phraseWords = phraseWords
        self.firstStart = firstStart
        self.firstList = firstList

        // Byte patterns.
        self.bytePatterns = bytePatterns
        var keyed: [(UInt32, Int32)] = []
        var short: [Int32] = []
        var filter = [UInt64](repeating: 0, count: 1 << 10)
        for (k, p) in bytePatterns.enumerated() {
            if p.count < 3 { short.append(Int32(k)); continue }
            let key = UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16
            keyed.append((key, Int32(k)))
            let h = InjectionPatterns.hash(key)
            filter[Int(h >> 6)] |= 1 << (h & 63)
        }
        keyed.sort { $0.0 < $1.0 }
        prefixKeys = keyed.map(\.0)
        prefixPatterns = keyed.map(\.1)
        prefixFilter = filter
        shortPatterns = short

        idNot = id("not"); idTiens = id("tiens"); idPas = id("pas"); idCompte = id("compte"); idPay = id("pay"); idNo = id("no")
        idAttention = id("attention"); idAbove = id("above"); idTold = id("told"); idYou = id("you"); idYour = id("your")
        idEverything = id("everything"); idBefore = id("before"); idEarlier = id("earlier"); idLonger = id("longer"); idApply = id("apply")
    }

    @inline(__always) static func hash(_ key: UInt32) -> UInt32 { (key &* 0x9E37_79B1) >> 16 }

    /// Bit set of the word phrases that occur in the token IDs.
    func wordHits(_ ids: [Int32]) -> [UInt64] {
        var hits = [UInt64](repeating: 0, count: (wordPhraseCount + 63) / 64)
        ids.withUnsafeBufferPointer { t in
            let n = t.count
            for i in 0..<n {
                let w = Int(t[i])
                if w < 0 { continue }
                let from = Int(firstStart[w]), to = Int(firstStart[w + 1])
                if from == to { continue }
                for e in from..<to {
                    let k = Int(firstList[e])
                    let s = Int(phraseStart[k]), len = Int(phraseStart[k + 1]) - s
                    guard i + len <= n else { continue }
                    var m = 1
                    while m < len, t[i + m] == phraseWords[s + m] { m += 1 }
                    if m == len { hits[k >> 6] |= 1 << (k & 63) }
                }
            }
        }
        return hits
    }

    /// Bit set of the byte patterns that occur in the normalised bytes.
    func byteHits(_ bytes: [UInt8]) -> [UInt64] {
        var hits = [UInt64](repeating: 0, count: (bytePatterns.count + 63) / 64)
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            guard n > 0 else { return }
            let base = b.baseAddress!
            for k in shortPatterns {
                let p = bytePatterns[Int(k)]
                guard p.count <= n else { continue }
                var i = 0
                let last = n - p.count
                while i <= last {
                    guard let q = memchr(base + i, Int32(p[0]), last - i + 1) else { break }
                    let at = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
                    if p.count == 1 || base[at + 1] == p[1] { hits[Int(k) >> 6] |= 1 << (UInt64(k) & 63); break }
                    i = at + 1
                }
            }
            guard n >= 3 else { return }
            prefixFilter.withUnsafeBufferPointer { filter in
                var key = UInt32(base[0]) << 8 | UInt32(base[1]) << 16
                for i in 0..<(n - 2) {
                    key = key >> 8 | UInt32(base[i + 2]) << 16
                    let h = InjectionPatterns.hash(key)
                    guard filter[Int(h >> 6)] & (1 << (h & 63)) != 0 else { continue }
                    // Candidates with this exact 3-byte prefix.
                    var lo = 0, hi = prefixKeys.count
                    while lo < hi { let mid = (lo + hi) / 2; if prefixKeys[mid] < key { lo = mid + 1 } else { hi = mid } }
                    while lo < prefixKeys.count, prefixKeys[lo] == key {
                        let k = Int(prefixPatterns[lo])
                        let p = bytePatterns[k]
                        if i + p.count <= n, p.withUnsafeBufferPointer({ memcmp(base + i + 3, $0.baseAddress! + 3, p.count - 3) == 0 }) {
                            hits[k >> 6] |= 1 << (k & 63)
                        }
                        lo += 1
                    }
                }
            }
        }
        return hits
    }
}

struct InjectionRuleContext {
    let t: SafetyNormalizedText
    let p: InjectionPatterns
    /// Normalised text with punctuation, as UTF-8 bytes.
    var bytes: [UInt8] { t.bytes }
    let ids: [Int32]
    let words: [UInt64]
    let patterns: [UInt64]

    init(_ t: SafetyNormalizedText, _ p: InjectionPatterns) {
        self.t = t
        self.p = p
        self.ids = t.ids
        let table = p.table.flags
        self.tokenFlags = t.ids.map { $0 < 0 ? 0 : table[Int($0)] }
        self.words = p.wordHits(t.ids)
        self.patterns = p.byteHits(t.bytes)
    }

    @inline(__always) func hasPhrase(_ r: PhraseRef) -> Bool {
        let k = Int(r.index)
        return (r.isWords ? words[k >> 6] : patterns[k >> 6]) & (1 << (k & 63)) != 0
    }

    func containsAny(_ phrases: [PhraseRef]) -> Bool { phrases.contains { hasPhrase($0) } }
    func countAny(_ phrases: [PhraseRef]) -> Int { phrases.reduce(0) { $0 + (hasPhrase($1) ? 1 : 0) } }
    /// Flag bits of each token (`WordFlag`), 0 for words outside the lexicon.
    let tokenFlags: [UInt32]
    @inline(__always) func flags(_ i: Int) -> UInt32 { tokenFlags[i] }
    @inline(__always) func any(_ range: Range<Int>, _ bit: UInt32) -> Bool { range.contains { flags($0) & bit != 0 } }
    @inline(__always) func any(_ range: Range<Int>, id: Int32) -> Bool { id >= 0 && range.contains { ids[$0] == id } }

    /// Token index where the word phrase starts, for each occurrence.
    func positions(of r: PhraseRef) -> [Int] {
        guard hasPhrase(r) else { return [] }
        let s = Int(p.phraseStart[Int(r.index)]), len = Int(p.phraseStart[Int(r.index) + 1]) - s
        var out: [Int] = []
        for i in 0..<max(0, ids.count - len + 1) {
            var m = 0
            while m < len, ids[i + m] == p.phraseWords[s + m] { m += 1 }
            if m == len { out.append(i) }
        }
        return out
    }

    // instruction_override: verb … (qualifier) … object, qualifier on either side; "instructions are void"; "new instructions:".
    func instructionOverride() -> Double {
        let n = ids.count
        var best = 0.0
        for i in 0..<n {
            var verbEnd = -1
            let f = flags(i)
            if f & WordFlag.overrideVerb != 0 {
                verbEnd = i
            } else if f & WordFlag.notWord != 0, i + 1 < n, flags(i + 1) & WordFlag.followWord != 0 {
                verbEnd = i + 1
            } else if ids[i] == p.idTiens, i + 2 < n, ids[i + 1] == p.idPas, ids[i + 2] == p.idCompte {
                verbEnd = i + 2
            } else if ids[i] == p.idPay, i + 2 < n, ids[i + 1] == p.idNo, ids[i + 2] == p.idAttention {
                verbEnd = i + 2
            }
            guard verbEnd >= 0 else { continue }
            let limit = min(n - 1, verbEnd + 7)
            guard verbEnd + 1 <= limit else { continue }
            for j in (verbEnd + 1)...limit where flags(j) & WordFlag.overrideObject != 0 {
                let qualifierRange = (verbEnd + 1)..<min(n, j + 3)
                let hasQualifier = qualifierRange.contains { $0 != j && flags($0) & WordFlag.overrideQualifier != 0 }
                if hasQualifier { best = max(best, 0.85) } else if j - verbEnd <= 2 { best = max(best, 0.45) }
                break
            }
            // "forget everything above", "ignore what you were told", "ignore the above".
            let window = (verbEnd + 1)..<(min(n - 1, verbEnd + 5) + 1)
            if any(window, id: p.idAbove) || (any(window, id: p.idTold) && any(window, id: p.idYou))
                || (any(window, id: p.idEverything) && (any(window, id: p.idBefore) || any(window, id: p.idAbove) || any(window, id: p.idEarlier))) {
                best = max(best, 0.75)
            }
            if flags(window.lowerBound) & WordFlag.everythingWord != 0 {
                best = max(best, 0.5)
            }
        }
        // "previous instructions are void", "previous constraints lifted"
        for i in 0..<n where flags(i) & WordFlag.overrideObject != 0 {
            guard any(max(0, i - 2)..<i, WordFlag.overrideQualifier) else { continue }
            let after = (i + 1)..<min(n, i + 5)
            if any(after, WordFlag.voidWord) || (any(after, id: p.idNo) && any(after, id: p.idLonger) && any(after, id: p.idApply)) {
                best = max(best, 0.75)
            }
        }
        if containsAny(p.newInstructionHeaders) {
            best = max(best, 0.6)
        }
        if containsAny(p.newTaskPhrases) {
            best = max(best, 0.6)
        }
        if hasPhrase(p.fromNowOn) || hasPhrase(p.fromThisPointForward) { best = max(best, 0.3) }
        return best
    }

    func rolePlay() -> Double {
        var personaCount = 0, strongPersona = false
        for (k, r) in p.personas.enumerated() where hasPhrase(r) {
            personaCount += 1
            if p.strongPersona[k] { strongPersona = true }
        }
        let jailbreak = countAny(p.jailbreaks)
        let harmful = countAny(p.harmful)
        var w = 0.0
        if personaCount > 0 && jailbreak > 0 { w = max(w, strongPersona ? 0.8 : 0.65) }
        if strongPersona && harmful > 0 { w = max(w, 0.65) }
        if jailbreak >= 2 { w = max(w, 0.55) }
        if jailbreak > 0 && personaCount == 0 { w = max(w, 0.25) }
        if strongPersona && jailbreak == 0 && harmful == 0 { w = max(w, 0.2) }
        return w
    }

    func systemPromptExtraction() -> Double {
        let n = ids.count
        var best = 0.0
        for (target, strong, length) in p.extractionTargets where hasPhrase(target) {
            for at in positions(of: target) {
                let window = max(0, at - 7)..<at
                let verb = any(window, WordFlag.extractionVerb)
                let strongVerb = any(window, WordFlag.strongExtractionVerb)
                let youDirected = strong || any(window, WordFlag.youCue) || any(at..<min(n, at + length + 4), WordFlag.youOrYour)
                // Descriptions ("the model must not reveal its system prompt") are not requests.
                let thirdPerson = any(window, WordFlag.thirdPerson)
                let negated = any(window, WordFlag.negation)
                if verb {
                    if thirdPerson || negated {
                        best = max(best, 0.35)
                    } else {
                        best = max(best, (youDirected || strongVerb) ? 0.8 : 0.4)
                    }
                }
                // "what is your system prompt", "what are the first 50 words of your prompt"
                if youDirected, any(window, WordFlag.whatWord) {
                    best = max(best, 0.7)
                }
            }
        }
        return best
    }

    func hiddenInstruction() -> Double {
        guard containsAny(p.addressCues) else { return 0 }
        if containsAny(p.imperativeCues) { return 0.75 }
        return 0.4
    }

    func delimiterInjection() -> Double {
        let markers = countAny(p.delimiterMarkers)
        let roleLines = bytes.withUnsafeBufferPointer { b -> Int in
            var roleLines = 0
            var lineStart = 0
            let n = b.count
            while lineStart < n {
                var s = lineStart
                while s < n, b[s] == 32 { s += 1 }
                for prefix in InjectionLexicon.roleLineStartBytes where s + prefix.count <= n
                    && prefix.withUnsafeBufferPointer({ memcmp(b.baseAddress! + s, $0.baseAddress!, prefix.count) == 0 }) {
                    roleLines += 1
                    break
                }
                guard let nl = memchr(b.baseAddress! + lineStart, 10, n - lineStart) else { break }
                lineStart = b.baseAddress!.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return roleLines
        }
        let roleAfterMarker = containsAny(p.roleAfterMarker)
        var w = 0.0
        let count = markers + roleLines
        if count >= 1 { w = 0.35 }
        if count >= 2 { w = 0.6 }
        if roleAfterMarker || (roleLines >= 1 && markers >= 1) { w = max(w, 0.7) }
        if roleLines >= 2 && hasPhrase(p.assistant) { w = max(w, 0.6) }
        return w
    }

    func exfiltration() -> Double {
        var w = 0.0
        if hasPhrase(p.imageOpen), hasPhrase(p.linkHTTP), hasPhrase(p.question) { w = max(w, 0.65) }
        let hasURL = hasPhrase(p.http) || hasPhrase(p.https) || hasPhrase(p.pastebin) || hasPhrase(p.at)
        if hasURL {
            let n = ids.count
            for i in 0..<n where flags(i) & WordFlag.exfilVerb != 0 {
                let window = (i..<min(n, i + 10)).map { t.token($0) }.joined(separator: " ")
                if InjectionLexicon.exfilObjects.contains(where: { window.contains($0) }) { w = max(w, 0.7); break }
            }
        }
        if containsAny(p.secrecyPhrases) {
            w = max(w, w > 0 ? 0.8 : 0.35)
        }
        return w
    }

    /// Multiplier in (0, 1] for text that discusses injection rather than performing it.
    func metaDamping(strongest: Double, signalCount: Int) -> Double {
        var cues = countAny(p.metaCues)
        // "What is your system prompt?" is a request to the model, not a question about attacks.
        if hasPhrase(p.your) || hasPhrase(p.you) {
            cues -= countAny(p.whatQuestions)
        }
        guard cues > 0 else { return 1 }
        let quotedAttack = t.anyQuoted
        let question = bytes.last == UInt8(ascii: "?")
        var factor = 1.0
        if cues >= 2 { factor = 0.55 } else if quotedAttack || question { factor = 0.65 } else { factor = 0.8 }
        // Several independent strong signals are hard to explain as discussion.
        if signalCount >= 3 { factor = max(factor, 0.85) }
        return factor
    }
}
