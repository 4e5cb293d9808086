import CCurl
import Foundation

/// libcurl needs one process-wide `curl_global_init` before any other call; a lazy global runs it once.
private let curlGlobalInit: Void = {
    _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}()

/// One dedicated thread driving a `curl_multi` handle: every transfer of a `CurlClient` runs here.
///
/// Why one multi thread rather than a pool of threads blocked in `curl_easy_perform`: on this 2-core
/// target, one thread multiplexes any number of transfers (16 parallel requests need 1 thread, not 16),
/// the multi handle's shared connection cache gives keep-alive reuse for free, and cancellation is a
/// `curl_multi_remove_handle` rather than a progress-callback poll. Nothing here ever runs on Swift's
/// cooperative pool: tasks only enqueue commands and suspend on a continuation.
///
/// Threading: `inbox` and `state` are guarded by `lock`; everything else belongs to the loop thread.
/// Other threads talk to the loop only by appending to `inbox` and calling `curl_multi_wakeup`
/// (documented as callable from any thread), both under `lock`, so the multi handle is never woken after
/// `curl_multi_cleanup`.
final class CurlEventLoop: @unchecked Sendable {
    private enum Command {
        case add(CurlTransfer)
        case cancel(CurlTransfer)
    }

    private enum State { case running, stopping, closed }

    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var inbox: [Command] = []
    private var state = State.running

    // Loop-thread state.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private let maxIdleHandles: Int

    /// Starts the loop thread.
    /// - Parameter maxConnections: libcurl's per-host connection limit and connection-cache size; transfers
    ///   beyond it wait inside libcurl for a free connection (that wait counts toward their `totalTimeout`).
    init(maxConnections: Int) {
        _ = curlGlobalInit
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed (out of memory)") }
        self.multi = multi
        maxIdleHandles = maxConnections
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        let thread = Thread { [self] in run() }  // the thread keeps the loop alive until run() returns
        thread.name = "CurlHTTP.loop"
        thread.start()
    }

    /// Hands a transfer to the loop. Fails it with `.aborted` if the loop is shutting down.
    func submit(_ transfer: CurlTransfer) {
        let accepted = lock.withLock { () -> Bool in
            guard state == .running else { return false }
            inbox.append(.add(transfer))
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted { transfer.fail(transfer.error(.aborted, detail: "the CurlClient was shut down")) }
    }

    /// Aborts a transfer; it fails with `CancellationError`. Safe before, during or after the transfer.
    func cancel(_ transfer: CurlTransfer) {
        transfer.markCancelled()
        lock.withLock {
            guard state == .running else { return }
            inbox.append(.cancel(transfer))
            curl_multi_wakeup(multi)
        }
    }

    /// Stops the loop: transfers in flight fail with `.aborted`, then the multi handle is cleaned up.
    func shutdown() {
        lock.withLock {
            guard state == .running else { return }
            state = .stopping
            curl_multi_wakeup(multi)
        }
    }

    // MARK: - loop thread

    private func run() {
        var running: Int32 = 0
        while true {
            let (commands, stopping) = lock.withLock { () -> ([Command], Bool) in
                defer { inbox.removeAll() }
                return (inbox, state != .running)
            }
            for command in commands {
                switch command {
                case .add(let transfer): start(transfer)
                case .cancel(let transfer): abort(transfer, with: CancellationError())
                }
            }
            if stopping { return close() }
            _ = curl_multi_perform(multi, &running)
            collectCompleted()
            // Sleeps until a socket is ready, libcurl's next timeout, a wakeup, or the cap below.
            _ = curl_multi_poll(multi, nil, 0, active.isEmpty ? 5_000 : 1_000, nil)
        }
    }

    private func start(_ transfer: CurlTransfer) {
        if transfer.isCancelled { return transfer.fail(CancellationError()) }
        guard let easy = idleHandles.popLast() ?? curl_easy_init() else {
            return transfer.fail(transfer.error(.other, detail: "curl_easy_init failed"))
        }
        let rc = transfer.attach(to: easy)
        guard rc == CURLE_OK else {
            transfer.fail(transfer.error(.other, curlCode: rc, detail: "bad request option: "
                + String(cString: curl_easy_strerror(rc))))
            return recycle(easy, from: transfer)
        }
        let mrc = curl_multi_add_handle(multi, easy)
        guard mrc == CURLM_OK else {
            transfer.fail(transfer.error(.other, detail: "curl_multi_add_handle: " + String(cString: curl_multi_strerror(mrc))))
            return recycle(easy, from: transfer)
        }
        active[easy] = transfer
    }

    private func abort(_ transfer: CurlTransfer, with error: any Error) {
        guard let easy = transfer.easy, active[easy] === transfer else { return }  // finished or never started
        active[easy] = nil
        _ = curl_multi_remove_handle(multi, easy)
        transfer.fail(error)
        recycle(easy, from: transfer)
    }

    private func collectCompleted() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result  // read before remove_handle invalidates `message`
            guard let transfer = active.removeValue(forKey: easy) else {
                _ = curl_multi_remove_handle(multi, easy)
                continue
            }
            _ = curl_multi_remove_handle(multi, easy)
            transfer.complete(result)
            recycle(easy, from: transfer)
        }
    }

    /// Keeps up to `maxIdleHandles` reset easy handles for reuse (connections live in the multi handle).
    private func recycle(_ easy: UnsafeMutableRawPointer, from transfer: CurlTransfer) {
        transfer.detach()
        if idleHandles.count < maxIdleHandles {
            curl_easy_reset(easy)
            idleHandles.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }

    private func close() {
        let leftovers = lock.withLock { () -> [Command] in
            state = .closed
            defer { inbox.removeAll() }
            return inbox
        }
        for case .add(let transfer) in leftovers {
            transfer.fail(transfer.error(.aborted, detail: "the CurlClient was shut down"))
        }
        for transfer in Array(active.values) {
            abort(transfer, with: transfer.error(.aborted, detail: "the CurlClient was shut down"))
        }
        for easy in idleHandles { curl_easy_cleanup(easy) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
    }
}
