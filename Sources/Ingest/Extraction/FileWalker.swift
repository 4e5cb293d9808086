import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Lists the files under some roots, in a stable order, honouring `.ragignore` files, include/exclude
/// globs and hidden-file rules, and following symlinks without looping.
///
/// - `.ragignore` uses gitignore syntax (globs, `**`, `!` negation, `dir/` directory-only, `/x` anchored,
///   `#` comments); a nested file applies to its subtree, and later/deeper rules win. As in git, a file
///   under an ignored directory cannot be re-included (the directory is not entered).
/// - `excludes` prune files and directories; `includes`, when given, keep only matching files. Both use
///   ``GlobPattern`` against the path relative to its root (a pattern without `/` matches the name).
/// - Names starting with `.` are skipped unless `includeHidden`; `.git`, `.hg` and `.svn` always are.
/// - Symlinks are followed; each real directory and file (device + inode) is visited once, so link
///   cycles end and a file reached twice is listed once. Broken links and unreadable directories are
///   reported in ``FileWalk/problems`` and the walk goes on.
/// - Order: roots as given; inside a root, depth-first with names in byte order.
/// - A root that is a file is listed as is, without ignore or glob filtering.
public struct FileWalker: Sendable {
    public var includes: [GlobPattern]
    public var excludes: [GlobPattern]
    public var includeHidden: Bool
    public var followSymlinks: Bool
    public var ignoreFileName: String

    public init(includes: [String] = [], excludes: [String] = [], includeHidden: Bool = false,
                followSymlinks: Bool = true, ignoreFileName: String = ".ragignore") {
        self.includes = includes.map(GlobPattern.init)
        self.excludes = excludes.map(GlobPattern.init)
        self.includeHidden = includeHidden
        self.followSymlinks = followSymlinks
        self.ignoreFileName = ignoreFileName
    }

    static let alwaysSkipped: Set<String> = [".git", ".hg", ".svn"]

    /// Walks every root. Never throws: problems are collected in the result.
    public func walk(_ roots: [URL]) -> FileWalk {
        var state = WalkState()
        for root in roots {
            let path = root.standardizedFileURL.path
            var info = stat()
            guard stat(path, &info) == 0 else {
                let code = errno
                state.problems.append(WalkProblem(path: path, kind: code == ENOENT ? .missing : .unreadable,
                                                  message: String(cString: strerror(code))))
                continue
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                guard state.visited.insert(FileIdentity(info)).inserted else {
                    state.skippedLinks.append(path)
                    continue
                }
                walkDirectory(path: path, relative: "", rules: [], state: &state)
            } else if state.visited.insert(FileIdentity(info)).inserted {
                state.files.append(WalkedFile(url: URL(fileURLWithPath: path), relativePath: root.lastPathComponent))
            }
        }
        return FileWalk(files: state.files, problems: state.problems, skippedLinks: state.skippedLinks)
    }

    private func walkDirectory(path: String, relative: String, rules: [IgnoreRules], state: inout WalkState) {
        guard let names = Self.listDirectory(path) else {
            state.problems.append(WalkProblem(path: path, kind: .unreadable,
                                              message: "unreadable directory: \(String(cString: strerror(errno)))"))
            return
        }
        var rules = rules
        let ignorePath = path + "/" + ignoreFileName
        if let data = FileManager.default.contents(atPath: ignorePath) {
            rules.append(IgnoreRules(base: relative, contents: String(decoding: data, as: UTF8.self)))
        }
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            if Self.alwaysSkipped.contains(name) || name == ignoreFileName { continue }
            if !includeHidden, name.hasPrefix(".") { continue }
            let childPath = path + "/" + name
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(childPath, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFLNK {
                guard followSymlinks else { continue }
                guard stat(childPath, &info) == 0 else {
                    state.problems.append(WalkProblem(path: childPath, kind: .brokenSymlink,
                                                      message: "broken symbolic link: \(String(cString: strerror(errno)))"))
                    continue
                }
            }
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            guard isDirectory || info.st_mode & S_IFMT == S_IFREG else { continue }
            if isIgnored(childRelative, isDirectory: isDirectory, rules: rules) { continue }
            if excludes.contains(where: { $0.matches(childRelative) }) { continue }
            if !isDirectory, !includes.isEmpty, !includes.contains(where: { $0.matches(childRelative) }) { continue }
            guard state.visited.insert(FileIdentity(info)).inserted else {
                state.skippedLinks.append(childPath)
                continue
            }
            if isDirectory {
                walkDirectory(path: childPath, relative: childRelative, rules: rules, state: &state)
            } else {
                state.files.append(WalkedFile(url: URL(fileURLWithPath: childPath), relativePath: childRelative))
            }
        }
    }

    /// Entry names of a directory (without `.` and `..`), or nil with `errno` set.
    private static func listDirectory(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    private func isIgnored(_ relative: String, isDirectory: Bool, rules: [IgnoreRules]) -> Bool {
        var ignored = false
        for ruleSet in rules {
            if let verdict = ruleSet.verdict(relativePath: relative, isDirectory: isDirectory) { ignored = verdict }
        }
        return ignored
    }
}

/// The result of ``FileWalker/walk(_:)``.
public struct FileWalk: Sendable {
    public var files: [WalkedFile]
    /// Roots that do not exist, unreadable directories, broken symlinks.
    public var problems: [WalkProblem]
    /// Paths skipped because their real directory or file was already visited (symlink cycles, duplicates).
    public var skippedLinks: [String]
}

public struct WalkedFile: Sendable, Hashable {
    /// The path as reached (through symlinks, not resolved).
    public var url: URL
    /// Path relative to its root, `/`-separated; the file name for a file root.
    public var relativePath: String
}

public struct WalkProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case missing, unreadable, brokenSymlink
    }

    public var path: String
    public var kind: Kind
    public var message: String

    public var description: String { "\(path): \(message)" }
}

private struct WalkState {
    var files: [WalkedFile] = []
    var problems: [WalkProblem] = []
    var skippedLinks: [String] = []
    var visited: Set<FileIdentity> = []
}

private struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
