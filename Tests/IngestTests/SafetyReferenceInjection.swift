// Frozen copy of the injection detector as it was before the fast path (byte/ID-based normaliser and rules).
// Used only by tests to check that the optimised detector gives the same results.
import Foundation
import Ingest

/// Heuristic prompt-injection scorer for user queries and ingested passages.
///
/// The text is normalised (`ReferenceNormalizedText`), then rules fire with weights in 0...1:
/// `instruction_override`, `role_play`, `system_prompt_extraction`, `hidden_instruction`, `delimiter_injection`,
/// `encoded_payload` (base64/hex/rot13 that decodes to text which itself scores as an attack), `exfiltration`.
/// The strongest weight per rule is combined by noisy-OR (`1 - Π(1 - wᵢ)`); text that discusses attacks
/// (questions, security docs, chat-template docs) is damped. Rules cover English plus the common German,
/// French, Spanish, Italian, Portuguese and Dutch phrasings of overrides, persona switches and prompt requests.
struct ReferenceInjectionDetector: Sendable {
    let threshold: Double

    init(threshold: Double = 0.5) {
        self.threshold = threshold
    }

    func score(_ text: String) -> InjectionFinding {
        let (score, signals) = evaluate(text, depth: 0)
        return InjectionFinding(score: score, signals: signals, threshold: threshold)
    }

    // MARK: - Evaluation

    func evaluate(_ raw: String, depth: Int) -> (Double, [String]) {
        // Very long passages: score overlapping windows so cost stays linear and local context decides.
        if raw.utf8.count > 8_192 {
            return evaluateWindows(raw, depth: depth)
        }
        let t = ReferenceNormalizedText(raw, vocabulary: ReferenceInjectionLexicon.vocabulary)
        let ctx = ReferenceRuleContext(t)
        var weights: [String: Double] = [:]
        func fire(_ name: String, _ w: Double) { if w > 0 { weights[name] = max(weights[name] ?? 0, min(w, 0.99)) } }

        fire("instruction_override", ctx.instructionOverride())
        fire("role_play", ctx.rolePlay())
        fire("system_prompt_extraction", ctx.systemPromptExtraction())
        fire("hidden_instruction", ctx.hiddenInstruction())
        fire("delimiter_injection", ctx.delimiterInjection())
        fire("exfiltration", ctx.exfiltration())
        if depth == 0 { fire("encoded_payload", encodedPayload(raw, ctx)) }

        guard !weights.isEmpty else { return (0, []) }
        var keep = 1.0
        for w in weights.values { keep *= 1 - w }
        var score = 1 - keep
        var signals = weights.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        let damping = ctx.metaDamping(strongest: weights.values.max() ?? 0, signalCount: weights.count)
        if damping < 1 {
            score *= damping
            signals.append("meta_discussion")
        }
        return (min(max(score, 0), 1), signals)
    }

    func evaluateWindows(_ raw: String, depth: Int) -> (Double, [String]) {
        let scalars = Array(raw.unicodeScalars)
        var best = (0.0, [String]())
        var start = 0
        let window = 4_096, step = 3_072
        while start < scalars.count {
            let end = min(start + window, scalars.count)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<end])
            let result = evaluate(String(view), depth: depth)
            if result.0 > best.0 { best = result }
            if end == scalars.count { break }
            start += step
        }
        return best
    }

    // MARK: Encoded payloads

    func encodedPayload(_ raw: String, _ ctx: ReferenceRuleContext) -> Double {
        var best = 0.0
        for candidate in ReferenceInjectionDetector.base64Runs(raw) {
            guard let decoded = ReferenceInjectionDetector.decodeBase64(candidate), ReferenceInjectionDetector.isReadable(decoded) else { continue }
            let (inner, _) = evaluate(decoded, depth: 1)
            best = max(best, inner >= 0.5 ? 0.9 : (inner > 0.2 ? 0.45 : 0))
        }
        for candidate in ReferenceInjectionDetector.hexRuns(raw) {
            guard let decoded = ReferenceInjectionDetector.decodeHex(candidate), ReferenceInjectionDetector.isReadable(decoded) else { continue }
            let (inner, _) = evaluate(decoded, depth: 1)
            best = max(best, inner >= 0.5 ? 0.9 : (inner > 0.2 ? 0.45 : 0))
        }
        if ctx.containsAny(ReferenceInjectionLexicon.rotHints) {
            let (inner, _) = evaluate(ReferenceInjectionDetector.rot13(raw), depth: 1)
            best = max(best, inner >= 0.5 ? 0.85 : 0)
        }
        return best
    }

    static func base64Runs(_ raw: String) -> [String] {
        var runs: [String] = []
        var current: [UInt8] = []
        func flush() {
            // Trim to a multiple of 4 from the left edge only if padding is missing.
            if current.count >= 24 {
                let letters = current.filter { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }.count
                let hasUpperAndLower = current.contains { $0 >= 65 && $0 <= 90 } && current.contains { $0 >= 97 && $0 <= 122 }
                if hasUpperAndLower, letters * 10 >= current.count * 6 {
                    runs.append(String(decoding: current, as: UTF8.self))
                }
            }
            current.removeAll(keepingCapacity: true)
        }
        for b in raw.utf8 {
            let isB64 = (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 43 || b == 47 || b == 61 || b == 45 || b == 95
            if isB64 { current.append(b) } else { flush() }
            if runs.count > 16 { break }
        }
        flush()
        return runs
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

    static func hexRuns(_ raw: String) -> [String] {
        var runs: [String] = []
        var current: [UInt8] = []
        func flush() {
            if current.count >= 24, current.count % 2 == 0 { runs.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for b in raw.utf8 {
            let isHex = (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70)
            if isHex { current.append(b) } else { flush() }
            if runs.count > 16 { break }
        }
        flush()
        return runs
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

enum ReferenceInjectionLexicon {
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

    static let jailbreakPhrases: [ReferencePhrase] = [
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
    static let harmfulPhrases: [ReferencePhrase] = [
        "explosive", "explosives", "bomb", "weapon", "weapons", "meth", "napalm", "activation keys", "activation key",
        "malware", "ransomware", "hotwire", "pick a lock", "poison", "credit card numbers", "steal",
    ]
    static let personaPhrases: [ReferencePhrase] = [
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
    static let extractionTargets: [(ReferencePhrase, Bool)] = [
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

    static let addressCues: [ReferencePhrase] = [
        "ai assistant:", "assistant:", "note to ai", "note to the ai", "attention llm", "attention ai", "dear ai",
        "dear language model", "dear llm", "if you are an ai", "if you are a language model", "if you're an ai",
        "if you are an llm", "if you are a large language model", "if you're reading this", "to the llm", "to the ai",
        "for ai readers", "ai system reading this", "ai agent", "instructions for the ai", "instruction to the assistant",
        "instructions to the assistant", "assistant instructions", "hey chatgpt", "hey claude", "ai model processing",
        "when an ai summarizes", "when summarizing this", "when you summarize this", "when you read this",
        "as an ai assistant you must", "ai:", "llm:", "language model reading", "model reading this", "ai reading this",
        "hidden text:", "for ai", "ki-assistent:", "assistant ia :", "note pour l'ia", "nota para la ia",
    ]
    static let imperativeCues: [ReferencePhrase] = [
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
    static let rotHints: [ReferencePhrase] = ["rot13", "rot 13", "rot-13", "caesar"]
    static let newInstructionHeaders: [ReferencePhrase] = ["new instructions:", "new instruction:", "new task:", "new rules:", "new policy:", "updated instructions:", "neue anweisungen:", "nouvelles instructions", "nuevas instrucciones"]
    static let newTaskPhrases: [ReferencePhrase] = ["your new instructions", "your new task", "your new goal", "your new purpose", "your only job", "your new role", "the new task"]
    static let secrecyPhrases: [ReferencePhrase] = ["without telling the user", "do not tell the user", "don't tell the user", "silently", "without the user knowing"]
    static let whatQuestions: [ReferencePhrase] = ["what is", "what's", "what are", "what does"]
    static let roleLineStartBytes: [[UInt8]] = roleLineStarts.map { Array($0.utf8) }

    static let metaCues: [ReferencePhrase] = [
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
struct ReferencePhrase: Sendable, ExpressibleByStringLiteral {
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

struct ReferenceRuleContext {
    let t: ReferenceNormalizedText
    /// Normalised text with punctuation, as UTF-8 bytes.
    let bytes: [UInt8]
    /// Token → positions, for phrase look-ups without rescanning.
    let index: [String: [Int]]

    init(_ t: ReferenceNormalizedText) {
        self.t = t
        self.bytes = Array(t.text.utf8)
        var index: [String: [Int]] = [:]
        for (i, token) in t.tokens.enumerated() { index[token, default: []].append(i) }
        self.index = index
    }

    /// Raw substring search over the normalised bytes (for phrases with punctuation).
    func contains(_ needle: String) -> Bool { contains(bytes: Array(needle.utf8)) }

    func contains(bytes n: [UInt8]) -> Bool {
        guard let first = n.first, n.count <= bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { hay -> Bool in
            var i = 0
            let last = hay.count - n.count
            while i <= last {
                guard let p = memchr(hay.baseAddress! + i, Int32(first), last - i + 1) else { return false }
                let at = hay.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
                var k = 1
                while k < n.count, hay[at + k] == n[k] { k += 1 }
                if k == n.count { return true }
                i = at + 1
            }
            return false
        }
    }

    func hasPhrase(_ phrase: ReferencePhrase) -> Bool {
        phrase.isWords ? !positions(of: phrase).isEmpty : contains(bytes: phrase.bytes)
    }

    func containsAny(_ phrases: [ReferencePhrase]) -> Bool { phrases.contains { hasPhrase($0) } }
    func countAny(_ phrases: [ReferencePhrase]) -> Int { phrases.reduce(0) { $0 + (hasPhrase($1) ? 1 : 0) } }

    /// Token index where the multi-word phrase starts, for each occurrence.
    func positions(of phrase: ReferencePhrase) -> [Int] {
        let words = phrase.words
        guard let first = words.first, let starts = index[first] else { return [] }
        if words.count == 1 { return starts }
        let tokens = t.tokens
        return starts.filter { i in
            guard i + words.count <= tokens.count else { return false }
            for k in 1..<words.count where tokens[i + k] != words[k] { return false }
            return true
        }
    }

    // instruction_override: verb … (qualifier) … object, qualifier on either side; "instructions are void"; "new instructions:".
    func instructionOverride() -> Double {
        let tokens = t.tokens
        var best = 0.0
        for i in tokens.indices {
            var verbEnd = -1
            if ReferenceInjectionLexicon.overrideVerbs.contains(tokens[i]) {
                verbEnd = i
            } else if (tokens[i] == "not" || tokens[i] == "dont" || tokens[i] == "stop" || tokens[i] == "no"), i + 1 < tokens.count,
                      ["follow", "following", "obey", "sigas", "befolge", "suivez", "suis", "seguire"].contains(tokens[i + 1]) {
                verbEnd = i + 1
            } else if tokens[i] == "tiens", i + 2 < tokens.count, tokens[i + 1] == "pas", tokens[i + 2] == "compte" {
                verbEnd = i + 2
            } else if tokens[i] == "pay", i + 2 < tokens.count, tokens[i + 1] == "no", tokens[i + 2] == "attention" {
                verbEnd = i + 2
            }
            guard verbEnd >= 0 else { continue }
            let limit = min(tokens.count - 1, verbEnd + 7)
            guard verbEnd + 1 <= limit else { continue }
            for j in (verbEnd + 1)...limit where ReferenceInjectionLexicon.overrideObjects.contains(tokens[j]) {
                let qualifierRange = (verbEnd + 1)..<min(tokens.count, j + 3)
                let hasQualifier = qualifierRange.contains { $0 != j && ReferenceInjectionLexicon.overrideQualifiers.contains(tokens[$0]) }
                if hasQualifier { best = max(best, 0.85) } else if j - verbEnd <= 2 { best = max(best, 0.45) }
                break
            }
            // "forget everything above", "ignore what you were told", "ignore the above".
            let window = tokens[(verbEnd + 1)...min(tokens.count - 1, verbEnd + 5)]
            if window.contains("above") || (window.contains("told") && window.contains("you")) || (window.contains("everything") && (window.contains("before") || window.contains("above") || window.contains("earlier"))) {
                best = max(best, 0.75)
            }
            if window.first == "everything" || window.first == "tout" || window.first == "todo" || window.first == "alles" {
                best = max(best, 0.5)
            }
        }
        // "previous instructions are void", "previous constraints lifted"
        for i in tokens.indices where ReferenceInjectionLexicon.overrideObjects.contains(tokens[i]) {
            let before = tokens[max(0, i - 2)..<i]
            guard before.contains(where: { ReferenceInjectionLexicon.overrideQualifiers.contains($0) }) else { continue }
            let after = tokens[(i + 1)..<min(tokens.count, i + 5)]
            if after.contains(where: { ReferenceInjectionLexicon.voidWords.contains($0) }) || (after.contains("no") && after.contains("longer") && after.contains("apply")) {
                best = max(best, 0.75)
            }
        }
        if containsAny(ReferenceInjectionLexicon.newInstructionHeaders) {
            best = max(best, 0.6)
        }
        if containsAny(ReferenceInjectionLexicon.newTaskPhrases) {
            best = max(best, 0.6)
        }
        if hasPhrase("from now on") || hasPhrase("from this point forward") { best = max(best, 0.3) }
        return best
    }

    func rolePlay() -> Double {
        let persona = ReferenceInjectionLexicon.personaPhrases.filter { hasPhrase($0) }
        let strongPersona = persona.contains { !["enable", "switch to", "simulate", "from now on"].contains($0.text) }
        let jailbreak = ReferenceInjectionLexicon.jailbreakPhrases.filter { hasPhrase($0) }
        let harmful = countAny(ReferenceInjectionLexicon.harmfulPhrases)
        var w = 0.0
        if !persona.isEmpty && !jailbreak.isEmpty { w = max(w, strongPersona ? 0.8 : 0.65) }
        if strongPersona && harmful > 0 { w = max(w, 0.65) }
        if jailbreak.count >= 2 { w = max(w, 0.55) }
        if !jailbreak.isEmpty && persona.isEmpty { w = max(w, 0.25) }
        if strongPersona && jailbreak.isEmpty && harmful == 0 { w = max(w, 0.2) }
        return w
    }

    func systemPromptExtraction() -> Double {
        let tokens = t.tokens
        var best = 0.0
        for (target, strong) in ReferenceInjectionLexicon.extractionTargets {
            for p in positions(of: target) {
                let window = tokens[max(0, p - 7)..<p]
                let verb = window.first { ReferenceInjectionLexicon.extractionVerbs.contains($0) }
                let strongVerb = window.contains { ReferenceInjectionLexicon.strongExtractionVerbs.contains($0) }
                let youDirected = strong || window.contains { ReferenceInjectionLexicon.youCues.contains($0) }
                    || tokens[p..<min(tokens.count, p + target.words.count + 4)].contains { $0 == "you" || $0 == "your" }
                // Descriptions ("the model must not reveal its system prompt") are not requests.
                let thirdPerson = window.contains { ["its", "their", "his", "her", "model's", "bot's", "assistant's"].contains($0) }
                let negated = window.contains { ["not", "never", "dont", "cannot", "cant", "nicht", "pas", "no"].contains($0) }
                if verb != nil {
                    if thirdPerson || negated {
                        best = max(best, 0.35)
                    } else {
                        best = max(best, (youDirected || strongVerb) ? 0.8 : 0.4)
                    }
                }
                // "what is your system prompt", "what are the first 50 words of your prompt"
                if youDirected, window.contains(where: { ["what", "which", "was", "quelles", "quel", "cual", "cuales", "welche"].contains($0) }) {
                    best = max(best, 0.7)
                }
            }
        }
        return best
    }

    func hiddenInstruction() -> Double {
        let cues = ReferenceInjectionLexicon.addressCues.filter { hasPhrase($0) }
        guard !cues.isEmpty else { return 0 }
        let imperative = countAny(ReferenceInjectionLexicon.imperativeCues)
        if imperative > 0 { return 0.75 }
        return 0.4
    }

    func delimiterInjection() -> Double {
        let markers = ReferenceInjectionLexicon.delimiterMarkers.filter { contains($0) }
        var roleLines = 0
        var lineStart = 0
        while lineStart < bytes.count {
            var s = lineStart
            while s < bytes.count, bytes[s] == 32 { s += 1 }
            for prefix in ReferenceInjectionLexicon.roleLineStartBytes where s + prefix.count <= bytes.count && bytes[s..<(s + prefix.count)].elementsEqual(prefix) {
                roleLines += 1
                break
            }
            guard let nl = bytes[lineStart...].firstIndex(of: 10) else { break }
            lineStart = nl + 1
        }
        let roleAfterMarker = ["<|im_start|>system", "<|im_start|>assistant", "<im_start>system", "<|im_start|> system", "### system:", "[system]", "<system>", "<|system|>"]
            .contains { contains($0) }
        var w = 0.0
        let count = markers.count + roleLines
        if count >= 1 { w = 0.35 }
        if count >= 2 { w = 0.6 }
        if roleAfterMarker || (roleLines >= 1 && markers.count >= 1) { w = max(w, 0.7) }
        if roleLines >= 2 && hasPhrase("assistant") { w = max(w, 0.6) }
        return w
    }

    func exfiltration() -> Double {
        var w = 0.0
        if contains("!["), contains("](http"), contains("?") { w = max(w, 0.65) }
        let tokens = t.tokens
        let hasURL = contains("http://") || contains("https://") || hasPhrase("pastebin") || contains("@")
        if hasURL {
            for i in tokens.indices where ReferenceInjectionLexicon.exfilVerbs.contains(tokens[i]) {
                let window = tokens[i..<min(tokens.count, i + 10)].joined(separator: " ")
                if ReferenceInjectionLexicon.exfilObjects.contains(where: { window.contains($0) }) { w = max(w, 0.7); break }
            }
        }
        if containsAny(ReferenceInjectionLexicon.secrecyPhrases) {
            w = max(w, w > 0 ? 0.8 : 0.35)
        }
        return w
    }

    /// Multiplier in (0, 1] for text that discusses injection rather than performing it.
    func metaDamping(strongest: Double, signalCount: Int) -> Double {
        var cues = countAny(ReferenceInjectionLexicon.metaCues)
        // "What is your system prompt?" is a request to the model, not a question about attacks.
        if hasPhrase("your") || hasPhrase("you") {
            cues -= countAny(ReferenceInjectionLexicon.whatQuestions)
        }
        guard cues > 0 else { return 1 }
        let quotedAttack = t.quoted.contains(true)
        let question = bytes.last == UInt8(ascii: "?")
        var factor = 1.0
        if cues >= 2 { factor = 0.55 } else if quotedAttack || question { factor = 0.65 } else { factor = 0.8 }
        // Several independent strong signals are hard to explain as discussion.
        if signalCount >= 3 { factor = max(factor, 0.85) }
        return factor
    }
}


/// Text prepared for the injection rules: lowercased, diacritics folded, zero-width and format characters
/// removed, fullwidth forms and Cyrillic/Greek look-alikes inside Latin words mapped to ASCII, leetspeak
/// digits inside words folded when that yields a rule word (`1gn0re` → `ignore`), letter-spaced words joined (`i g n o r e` → `ignore`).
struct ReferenceNormalizedText: Sendable {
    /// Word tokens (letters and digits only).
    var tokens: [String]
    /// Whether each token sits inside a quotation ("…", “…”, «…», '…').
    var quoted: [Bool]
    /// Folded text with punctuation kept and whitespace runs collapsed to one space (newlines kept as `\n`).
    var text: String

    init(_ raw: String, vocabulary: Set<String>) {
        // Pass 1: scalar-level cleanup into `folded`.
        var folded: [Unicode.Scalar] = []
        folded.reserveCapacity(raw.utf8.count)
        var lastWasSpace = true
        var lastWasNewline = false
        for scalar in raw.unicodeScalars {
            let v = scalar.value
            if v >= 0x80 && ReferenceNormalizedText.isInvisible(v) { continue }
            if v == 32 || (v >= 9 && v <= 13) || (v >= 0x80 && scalar.properties.isWhitespace) {
                let newline = v == 0x0A || v == 0x0D || v == 0x2028 || v == 0x2029
                if newline {
                    if !lastWasNewline {
                        if lastWasSpace, let last = folded.last, last == " " { folded.removeLast() }
                        folded.append("\n")
                        lastWasNewline = true
                    }
                    lastWasSpace = true
                } else if !lastWasSpace {
                    folded.append(" ")
                    lastWasSpace = true
                } else if !lastWasNewline, let last = folded.last, last == " " {
                    // Two spaces in a row separate letter-spaced words: keep a marker.
                    folded.removeLast()
                    folded.append("\u{1F}")
                    folded.append(" ")
                }
                continue
            }
            lastWasSpace = false
            lastWasNewline = false
            if v < 0x80 {
                folded.append(v >= 65 && v <= 90 ? Unicode.Scalar(UInt8(v + 32)) : scalar)
            } else {
                for out in ReferenceNormalizedText.fold(scalar) { folded.append(out) }
            }
        }

        // Pass 2: tokenise, remembering the separator before each token and quotation state.
        var rawTokens: [(word: String, separator: String, quoted: Bool)] = []
        var word = String.UnicodeScalarView()
        var separator = String.UnicodeScalarView()
        var inDouble = false
        var inSingle = false
        let scalars = folded
        func flush() {
            if !word.isEmpty {
                rawTokens.append((String(word), String(separator), inDouble || inSingle))
                word = String.UnicodeScalarView()
                separator = String.UnicodeScalarView()
            }
        }
        for (k, s) in scalars.enumerated() {
            let isWordChar = ReferenceNormalizedText.isLetter(s) || (s.value >= 48 && s.value <= 57)
                || ((s == "@" || s == "$") && k + 1 < scalars.count && ReferenceNormalizedText.isLetter(scalars[k + 1]) && !word.isEmpty)
            if isWordChar {
                word.append(s)
                continue
            }
            flush()
            separator.append(s)
            switch s {
            case "\"", "\u{201C}", "\u{201D}", "\u{AB}", "\u{BB}", "\u{201E}":
                inDouble.toggle()
            case "'", "\u{2018}", "\u{2019}", "`":
                let prevWord = k > 0 && ReferenceNormalizedText.isLetter(scalars[k - 1])
                let nextWord = k + 1 < scalars.count && ReferenceNormalizedText.isLetter(scalars[k + 1])
                if !(prevWord && nextWord) { inSingle.toggle() }
            case "\n":
                inSingle = false
            default:
                break
            }
        }
        flush()

        // Pass 3: join letter-spaced runs (≥ 3 single letters, one-character separators), fold leetspeak.
        var tokens: [String] = []
        var quoted: [Bool] = []
        var k = 0
        while k < rawTokens.count {
            if rawTokens[k].word.count == 1 {
                var j = k + 1
                while j < rawTokens.count, rawTokens[j].word.count == 1, rawTokens[j].separator.unicodeScalars.count == 1,
                      " .-_*|".unicodeScalars.contains(rawTokens[j].separator.unicodeScalars.first!) {
                    j += 1
                }
                if j - k >= 3 {
                    tokens.append(rawTokens[k..<j].map(\.word).joined())
                    quoted.append(rawTokens[k].quoted)
                    k = j
                    continue
                }
            }
            tokens.append(ReferenceNormalizedText.unLeet(rawTokens[k].word, vocabulary: vocabulary))
            quoted.append(rawTokens[k].quoted)
            k += 1
        }
        self.tokens = tokens
        self.quoted = quoted
        var utf8: [UInt8] = []
        utf8.reserveCapacity(scalars.count + 16)
        for u in scalars where u != "\u{1F}" {
            if u.value < 0x80 { utf8.append(UInt8(u.value)) } else { UTF8.encode(u) { utf8.append($0) } }
        }
        self.text = String(decoding: utf8, as: UTF8.self)
    }

    @inline(__always) static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 97 && v <= 122) || (v >= 65 && v <= 90) }
        return s.properties.isAlphabetic
    }

    static func isInvisible(_ v: UInt32) -> Bool {
        (v >= 0x200B && v <= 0x200F) || (v >= 0x2060 && v <= 0x2064) || v == 0xFEFF || v == 0x00AD || v == 0x180E
            || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) || (v >= 0xE0000 && v <= 0xE007F)
    }

    /// Lowercase, strip diacritics, map fullwidth forms and common Cyrillic/Greek homoglyphs to ASCII.
    static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let v = scalar.value
        if v < 0x80 {
            if v >= 65 && v <= 90 { return [Unicode.Scalar(v + 32)!] }
            return [scalar]
        }
        if v >= 0xFF01 && v <= 0xFF5E { return fold(Unicode.Scalar(v - 0xFEE0)!) }
        if let mapped = homoglyphs[v] { return [mapped] }
        if v == 0xDF { return ["s", "s"] }
        if v < 0x250, let base = latinBase[v] { return [base] }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        return Array(lower)
    }

    static let homoglyphs: [UInt32: Unicode.Scalar] = {
        let pairs: [(UInt32, Character)] = [
            (0x0430, "a"), (0x0435, "e"), (0x043E, "o"), (0x0440, "p"), (0x0441, "c"), (0x0443, "y"), (0x0445, "x"),
            (0x0456, "i"), (0x0458, "j"), (0x0455, "s"), (0x0501, "d"), (0x0261, "g"), (0x04BB, "h"),
            (0x0410, "a"), (0x0412, "b"), (0x0415, "e"), (0x041A, "k"), (0x041C, "m"), (0x041D, "h"), (0x041E, "o"),
            (0x0420, "p"), (0x0421, "c"), (0x0422, "t"), (0x0425, "x"), (0x0406, "i"), (0x0408, "j"), (0x0405, "s"),
            (0x03BF, "o"), (0x03B1, "a"), (0x03B5, "e"), (0x03B9, "i"), (0x03BD, "v"), (0x03C1, "p"), (0x03C4, "t"),
            (0x039F, "o"), (0x0391, "a"), (0x0392, "b"), (0x0395, "e"), (0x0397, "h"), (0x0399, "i"), (0x039A, "k"),
            (0x039C, "m"), (0x039D, "n"), (0x03A1, "p"), (0x03A4, "t"), (0x03A7, "x"), (0x0131, "i"),
        ]
        var map: [UInt32: Unicode.Scalar] = [:]
        for (v, c) in pairs { map[v] = c.unicodeScalars.first! }
        return map
    }()

    /// Latin-1 Supplement and Latin Extended-A/B letters → lowercase ASCII base letter (canonical decomposition).
    static let latinBase: [UInt32: Unicode.Scalar] = {
        var map: [UInt32: Unicode.Scalar] = [:]
        for v in UInt32(0xC0)..<0x250 {
            guard let s = Unicode.Scalar(v), s.properties.isAlphabetic else { continue }
            let decomposed = String(s).decomposedStringWithCanonicalMapping.lowercased().unicodeScalars
            if let first = decomposed.first, first.isASCII, first.properties.isAlphabetic { map[v] = first }
        }
        map[0xF8] = "o"; map[0xD8] = "o"; map[0x142] = "l"; map[0x141] = "l"; map[0xE6] = "a"; map[0xC6] = "a"
        return map
    }()

    /// Folds leetspeak inside words that mix letters and digits: 0→o 1→i/l 3→e 4→a 5→s 7→t @→a $→s.
    static func unLeet(_ word: String, vocabulary: Set<String>) -> String {
        var hasLetter = false, hasLeet = false
        for s in word.unicodeScalars {
            if s.properties.isAlphabetic { hasLetter = true } else if "013457@$".unicodeScalars.contains(s) { hasLeet = true }
        }
        guard hasLetter, hasLeet else { return word }
        func map(_ one: Character) -> String {
            String(word.map { c -> Character in
                switch c {
                case "0": return "o"
                case "1": return one
                case "3": return "e"
                case "4": return "a"
                case "5": return "s"
                case "7": return "t"
                case "@": return "a"
                case "$": return "s"
                default: return c
                }
            })
        }
        let withI = map("i")
        if vocabulary.contains(withI) { return withI }
        let withL = map("l")
        if vocabulary.contains(withL) { return withL }
        return word
    }
}
