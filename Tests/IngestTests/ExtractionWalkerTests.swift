import Foundation
import Testing
@testable import Ingest

@Suite("File walking, .ragignore and globs")
struct ExtractionWalkerTests {
    func relativePaths(_ walk: FileWalk) -> [String] { walk.files.map(\.relativePath) }

    @Test func globSyntax() {
        #expect(GlobPattern("*.md").matches("a/b/c.md"))
        #expect(!GlobPattern("*.md").matches("a/b/c.mdx"))
        #expect(GlobPattern("docs/*.md").matches("docs/x.md"))
        #expect(!GlobPattern("docs/*.md").matches("a/docs/x.md"))  // a slash anchors
        #expect(!GlobPattern("docs/*.md").matches("docs/sub/x.md"))  // * stays in one segment
        #expect(GlobPattern("docs/**/*.md").matches("docs/x.md"))
        #expect(GlobPattern("docs/**/*.md").matches("docs/a/b/x.md"))
        #expect(GlobPattern("**/build").matches("x/y/build"))
        #expect(GlobPattern("logs/**").matches("logs/a/b"))
        #expect(!GlobPattern("logs/**").matches("logs"))
        #expect(GlobPattern("/top.txt").matches("top.txt"))
        #expect(!GlobPattern("/top.txt").matches("sub/top.txt"))
        #expect(GlobPattern("file?.[ch]").matches("src/file1.c"))
        #expect(!GlobPattern("file?.[!ch]").matches("file1.c"))
        #expect(GlobPattern("[a-c]*").matches("beta"))
        #expect(GlobPattern("a*b*c").matches("aXXbYYbZc"))
        #expect(GlobPattern("\\*literal").matches("*literal") && !GlobPattern("\\*literal").matches("xliteral"))
    }

    @Test func ragignoreSemantics() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        try temp.write(".ragignore", """
            # comment line
            *.log
            !keep.log
            build/
            /root-only.txt
            docs/**/draft-*.md
            \\#hash.txt
            secret/
            """)
        for file in ["a.md", "x.log", "keep.log", "root-only.txt", "sub/root-only.txt", "build/out.md",
                     "sub/build/out.md", "notbuild/build", "docs/a/b/draft-1.md", "docs/final.md", "#hash.txt",
                     "secret/keep.log", "nested/inner.md", "nested/inner.tmp", "nested/deeper/x.tmp",
                     "nested/deeper/y.log", "nested/deeper/z.md"] {
            try temp.write(file, "content of \(file)")
        }
        // A nested .ragignore applies to its subtree and can override the parent's rules.
        try temp.write("nested/.ragignore", "*.tmp\n!y.log\n/z.md\n")
        try temp.write("nested/deeper/.ragignore", "!x.tmp\n")
        let walk = FileWalker().walk([temp.url])
        #expect(relativePaths(walk) == [
            "a.md", "docs/final.md", "keep.log", "nested/deeper/x.tmp", "nested/deeper/y.log",
            "nested/deeper/z.md", "nested/inner.md", "notbuild/build", "sub/root-only.txt",
        ])
        #expect(walk.problems.isEmpty)
    }

    @Test func includeExcludeAndHidden() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        for file in ["a.md", "b.txt", "src/c.swift", "src/gen/d.swift", ".hidden.md", ".dot/e.md", "node_modules/f.md",
                     ".git/config"] {
            try temp.write(file, "x")
        }
        #expect(relativePaths(FileWalker().walk([temp.url])) == ["a.md", "b.txt", "node_modules/f.md", "src/c.swift", "src/gen/d.swift"])
        #expect(relativePaths(FileWalker(includes: ["*.md"]).walk([temp.url])) == ["a.md", "node_modules/f.md"])
        #expect(relativePaths(FileWalker(excludes: ["node_modules", "src/gen/"]).walk([temp.url])) == ["a.md", "b.txt", "src/c.swift"])
        #expect(relativePaths(FileWalker(includes: ["src/**/*.swift"], excludes: ["d.*"]).walk([temp.url])) == ["src/c.swift"])
        #expect(relativePaths(FileWalker(includeHidden: true).walk([temp.url])) == [
            ".dot/e.md", ".hidden.md", "a.md", "b.txt", "node_modules/f.md", "src/c.swift", "src/gen/d.swift",
        ])
    }

    @Test func symlinkLoopsEndAndLinkedFilesAreListedOnce() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        try temp.write("a/file.md", "x")
        try temp.write("b/other.md", "y")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: temp.url.appendingPathComponent("a/loop").path, withDestinationPath: temp.url.path)
        try fm.createSymbolicLink(atPath: temp.url.appendingPathComponent("a/self").path, withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: temp.url.appendingPathComponent("c-link").path, withDestinationPath: "b")
        try fm.createSymbolicLink(atPath: temp.url.appendingPathComponent("b/dup.md").path, withDestinationPath: "other.md")
        try fm.createSymbolicLink(atPath: temp.url.appendingPathComponent("dangling.md").path, withDestinationPath: "missing.md")
        let walk = FileWalker().walk([temp.url, temp.url.appendingPathComponent("b")])
        #expect(relativePaths(walk) == ["a/file.md", "b/dup.md"])
        #expect(walk.problems.map(\.kind) == [.brokenSymlink])
        #expect(walk.skippedLinks.count >= 4)
        let noFollow = FileWalker(followSymlinks: false).walk([temp.url])
        #expect(relativePaths(noFollow) == ["a/file.md", "b/other.md"])
    }

    @Test func stableSortedOrderAndFileRoots() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        for file in ["b.md", "a.md", "A.md", "a/z.md", "a.b/y.md", "10.md", "9.md"] { try temp.write(file, "x") }
        let paths = relativePaths(FileWalker().walk([temp.url]))
        #expect(paths == ["10.md", "9.md", "A.md", "a/z.md", "a.b/y.md", "a.md", "b.md"])
        let single = FileWalker(excludes: ["*.md"]).walk([temp.url.appendingPathComponent("b.md")])
        #expect(relativePaths(single) == ["b.md"])  // an explicit file root is not filtered
        let missing = FileWalker().walk([temp.url.appendingPathComponent("nope")])
        #expect(missing.files.isEmpty && missing.problems.map(\.kind) == [.missing])
    }

    @Test func unreadableDirectoryIsReportedNotFatal() throws {
        let temp = try IngestTempDirectory()
        defer { temp.cleanup() }
        try temp.write("open/a.md", "x")
        try temp.write("locked/b.md", "y")
        chmod(temp.url.appendingPathComponent("locked").path, 0o000)
        let walk = FileWalker().walk([temp.url])
        if geteuid() == 0 {
            // Root reads a mode-000 directory anyway (CAP_DAC_OVERRIDE); there is no unreadable
            // directory to make, so check that the walk simply goes on through it.
            #expect(relativePaths(walk) == ["locked/b.md", "open/a.md"])
        } else {
            #expect(relativePaths(walk) == ["open/a.md"])
            #expect(walk.problems.map(\.kind) == [.unreadable])
        }
    }
}
