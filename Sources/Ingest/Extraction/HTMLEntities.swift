/// HTML character references: the common named ones and all numeric ones.
enum HTMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ensp": " ", "emsp": " ",
        "thinsp": " ", "shy": "", "zwj": "\u{200D}", "zwnj": "\u{200C}", "copy": "©", "reg": "®", "trade": "™",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "sbquo": "‚", "ldquo": "“",
        "rdquo": "”", "bdquo": "„", "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›", "bull": "•",
        "middot": "·", "deg": "°", "plusmn": "±", "times": "×", "divide": "÷", "minus": "−", "euro": "€",
        "pound": "£", "yen": "¥", "cent": "¢", "curren": "¤", "sect": "§", "para": "¶", "dagger": "†",
        "Dagger": "‡", "permil": "‰", "prime": "′", "Prime": "″", "frac12": "½", "frac14": "¼", "frac34": "¾",
        "sup1": "¹", "sup2": "²", "sup3": "³", "micro": "µ", "iexcl": "¡", "iquest": "¿", "larr": "←",
        "rarr": "→", "uarr": "↑", "darr": "↓", "harr": "↔", "rArr": "⇒", "lArr": "⇐", "hArr": "⇔", "le": "≤",
        "ge": "≥", "ne": "≠", "asymp": "≈", "equiv": "≡", "infin": "∞", "sum": "∑", "prod": "∏", "radic": "√",
        "part": "∂", "nabla": "∇", "isin": "∈", "notin": "∉", "cap": "∩", "cup": "∪", "forall": "∀",
        "exist": "∃", "empty": "∅", "and": "∧", "or": "∨", "not": "¬", "macr": "¯", "acute": "´", "cedil": "¸",
        "ordf": "ª", "ordm": "º", "szlig": "ß", "agrave": "à", "aacute": "á", "acirc": "â", "atilde": "ã",
        "auml": "ä", "aring": "å", "aelig": "æ", "ccedil": "ç", "egrave": "è", "eacute": "é", "ecirc": "ê",
        "euml": "ë", "igrave": "ì", "iacute": "í", "icirc": "î", "iuml": "ï", "ntilde": "ñ", "ograve": "ò",
        "oacute": "ó", "ocirc": "ô", "otilde": "õ", "ouml": "ö", "oslash": "ø", "ugrave": "ù", "uacute": "ú",
        "ucirc": "û", "uuml": "ü", "yacute": "ý", "yuml": "ÿ", "Agrave": "À", "Aacute": "Á", "Acirc": "Â",
        "Atilde": "Ã", "Auml": "Ä", "Aring": "Å", "AElig": "Æ", "Ccedil": "Ç", "Egrave": "È", "Eacute": "É",
        "Ecirc": "Ê", "Euml": "Ë", "Igrave": "Ì", "Iacute": "Í", "Icirc": "Î", "Iuml": "Ï", "Ntilde": "Ñ",
        "Ograve": "Ò", "Oacute": "Ó", "Ocirc": "Ô", "Otilde": "Õ", "Ouml": "Ö", "Oslash": "Ø", "Ugrave": "Ù",
        "Uacute": "Ú", "Ucirc": "Û", "Uuml": "Ü", "Yacute": "Ý", "oelig": "œ", "OElig": "Œ", "scaron": "š",
        "Scaron": "Š", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
        "omicron": "ο", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ",
        "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π",
        "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "tab": "\t", "newline": "\n",
    ]

    /// Replaces `&name;`, `&#123;` and `&#x7B;`. Unknown or unterminated references stay as written;
    /// numeric references to NUL, surrogates or beyond U+10FFFF become U+FFFD.
    static func decode(_ text: some StringProtocol) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return String(text) }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "&") else {
                out.append(byte)
                i += 1
                continue
            }
            var j = i + 1
            while j < bytes.count, j - i <= 32, bytes[j] != UInt8(ascii: ";"), bytes[j] != UInt8(ascii: "&"),
                  bytes[j] > 0x20 { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: ";"), j > i + 1 else {
                out.append(byte)
                i += 1
                continue
            }
            let name = bytes[(i + 1)..<j]
            var replacement: String?
            if name.first == UInt8(ascii: "#") {
                let digits = name.dropFirst()
                let hex = digits.first == UInt8(ascii: "x") || digits.first == UInt8(ascii: "X")
                if let value = UInt32(String(decoding: hex ? digits.dropFirst() : digits, as: UTF8.self), radix: hex ? 16 : 10) {
                    replacement = value != 0 ? Unicode.Scalar(value).map { String($0) } ?? "\u{FFFD}" : "\u{FFFD}"
                }
            } else {
                replacement = named[String(decoding: name, as: UTF8.self)]
            }
            if let replacement {
                out.append(contentsOf: replacement.utf8)
                i = j + 1
            } else {
                out.append(byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
