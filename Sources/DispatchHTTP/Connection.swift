import Logging

/// One accepted socket. Owned by one `EventLoop` and touched only on that loop's thread.
///
/// Life cycle: `active` (reading requests, waiting for the handler, writing responses) →
/// `lingering` (last response written, write side shut down, client bytes discarded until EOF or
/// a short timeout) → `closed`. The descriptor is closed only by `EventLoop.closeConnection`.
final class Connection {
    enum Phase {
        case active
        case lingering
        case closed
    }

    /// What the server needs to remember about the request whose response is pending.
    private struct PendingRequest {
        var token: UInt64
        var isHead: Bool
        var version: HTTPVersion
        var keepAlive: Bool
    }

    /// Stop parsing further pipelined requests while more than this much output is unsent.
    private static let outputHighWater = 64 * 1024

    let id: UInt64
    let fd: Int32
    let remoteAddress: String
    /// False for connections over the limit that only get a 503.
    let admitted: Bool
    private unowned let loop: EventLoop

    private(set) var phase = Phase.active
    private var decoder: HTTPRequestDecoder
    private var pending: PendingRequest?
    private var requestSerial: UInt64 = 0
    private var inHandler = false
    private var inPump = false

    private var output: [[UInt8]] = []
    private var outputIndex = 0
    private var outputOffset = 0
    private var outputBytes = 0
    private var watchingWritable = false
    private var closeAfterWrite = false
    private var peerClosed = false
    /// The last read returned fewer bytes than the read buffer holds, and no readiness event has
    /// arrived since: the read that would follow (after each response, typically) can only
    /// return EAGAIN, so it is not made. See `pump()` for why this is safe.
    private var inputDrained = false
    /// Epoll reported the peer's FIN (EPOLLRDHUP): reads go on until one returns 0.
    private var peerHalfClosed = false

    private var lastActivity: UInt64
    private var lastWriteProgress: UInt64
    private var requestStartedAt: UInt64?
    /// Monotonic ns at which `deadlineExpired()` must run; 0 = none.
    private(set) var deadline: UInt64 = 0

    /// What epoll watches on a connection's socket (plus EPOLLOUT while output is pending).
    /// EPOLLRDHUP is needed by the short-read rule of `pump()`.
    static let watchedEvents: Epoll.Events = [.input, .readHangUp, .edgeTriggered]

    init(id: UInt64, fd: Int32, remoteAddress: String, loop: EventLoop, admitted: Bool) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.admitted = admitted
        self.decoder = HTTPRequestDecoder(limits: loop.context.limits)
        let now = MonotonicClock.now()
        self.lastActivity = now
        self.lastWriteProgress = now
    }

    private var logger: Logger { loop.context.logger }
    private var hasOutput: Bool { outputIndex < output.count }

    /// No request in progress, nothing to write: safe to close during shutdown.
    var isIdle: Bool {
        phase == .active && pending == nil && !decoder.hasPartialRequest && !hasOutput && !closeAfterWrite
    }

    /// Nothing left that shutdown should wait for.
    var isQuiescent: Bool { phase != .active || !admitted }

    /// One line describing the connection's state (for test diagnostics).
    var debugState: String {
        let remaining = deadline == 0 ? "none" : "\(Int64(deadline) - Int64(MonotonicClock.now()))ns"
        return "#\(id) \(remoteAddress) \(phase) pending=\(pending != nil) unsent=\(outputBytes) "
            + "closeAfterWrite=\(closeAfterWrite) peerClosed=\(peerClosed) "
            + "partial=\(decoder.hasPartialRequest) deadline=\(remaining)"
    }

    // MARK: - Events

    /// Reads whatever the client already sent (edge-triggered registration) and sets the idle deadline.
    func start() {
        pump()
        if loop.draining { closeIfIdle() }
        updateDeadline()
    }

    func handle(_ events: Epoll.Events) {
        guard phase != .closed else { return }
        if events.contains(.error) || events.contains(.hangUp) {
            // Reset or fully shut down by the peer: nothing more can be delivered.
            close()
            return
        }
        if events.contains(.readHangUp) { peerHalfClosed = true }
        if events.contains(.input) || events.contains(.readHangUp) { inputDrained = false }
        if events.contains(.output) { flush() }
        if phase == .lingering {
            if events.contains(.input) || events.contains(.readHangUp) { discardInput() }
        } else if phase == .active
            && (events.contains(.input) || events.contains(.readHangUp) || (events.contains(.output) && !hasOutput))
        {
            pump()
        }
        updateDeadline()
    }

    /// Parses buffered requests and reads more, until a response is pending, output backs up,
    /// or the socket has nothing more to read (EAGAIN, or a short read: below).
    ///
    /// A short read ends reading until the next readiness event, saving the `recv` that would
    /// return EAGAIN after every request. Why no bytes and no end of file are missed with the
    /// edge-triggered registration (`watchedEvents`: EPOLLIN | EPOLLRDHUP | EPOLLET):
    /// - a TCP `recv` returns less than asked only when the receive queue is empty at that moment
    ///   (segments that arrive during the call are queued from the socket backlog when it returns,
    ///   and wake epoll like any arrival);
    /// - every arrival after that moment, data or FIN, runs the socket's wake-up callback, which
    ///   queues a new EPOLLIN event for this descriptor (edge-triggered means one event per
    ///   arrival, not per empty-to-non-empty transition), and `handle` clears `inputDrained`;
    /// - a FIN that arrived before the short read leaves nothing to wake us up later: it is the
    ///   one case where the next read would return 0 and not EAGAIN. Such a FIN was queued
    ///   before the event being handled was collected, so that event carries EPOLLRDHUP, and
    ///   after EPOLLRDHUP the connection never skips a read (`peerHalfClosed`).
    /// One exception: TCP urgent data (URG) also ends a read early with bytes still queued;
    /// a client that sends it stalls only its own connection, until the header-read or idle
    /// timeout answers or closes it.
    /// nginx relies on the same reasoning (`ngx_unix_recv` clears `rev->ready` after a short read
    /// when EPOLLRDHUP is available). Tests: `HTTPServerTests.halfCloseRightAfterTheRequest…`.
    private func pump() {
        guard phase == .active, !inPump else { return }
        inPump = true
        defer { inPump = false }
        while phase == .active {
            guard pending == nil, !closeAfterWrite, outputBytes <= Self.outputHighWater else { return }
            switch decoder.next() {
            case .request(let request):
                dispatch(request)
                continue
            case .sendContinue:
                enqueue([HTTPResponseEncoder.continueResponse])
                flush()
                continue
            case .error(let error):
                logger.debug(
                    "rejecting malformed request",
                    metadata: [
                        "remote": "\(remoteAddress)", "status": "\(error.status.code)",
                        "reason": "\(error.message)"
                    ])
                sendError(error.status, error.message)
                return
            case .needMoreData:
                break
            }
            if peerClosed {
                close()
                return
            }
            if inputDrained {
                if loop.draining && isIdle { close() }
                return
            }
            switch Socket.read(fd, into: loop.readBuffer) {
            case .bytes(let count):
                let now = MonotonicClock.now()
                lastActivity = now
                if requestStartedAt == nil { requestStartedAt = now }
                if count < loop.readBuffer.count && !peerHalfClosed { inputDrained = true }
                decoder.append(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
            case .wouldBlock:
                inputDrained = !peerHalfClosed
                if loop.draining && isIdle { close() }
                return
            case .endOfFile:
                peerClosed = true
                if decoder.hasPartialRequest {
                    logger.debug("client closed mid-request", metadata: ["remote": "\(remoteAddress)"])
                }
                if hasOutput {
                    closeAfterWrite = true
                } else {
                    close()
                }
                return
            case .failed:
                close()
                return
            }
        }
    }

    private func dispatch(_ decoded: HTTPRequest) {
        var request = decoded
        requestSerial += 1
        let token = requestSerial
        pending = PendingRequest(
            token: token, isHead: request.method == .head, version: request.version,
            keepAlive: request.keepAlive)
        requestStartedAt = nil
        request.remoteAddress = remoteAddress
        request.id = loop.nextRequestID()
        logger.trace(
            "request",
            metadata: [
                "http.request.id": "\(request.id)", "method": "\(request.method)",
                "target": "\(request.target)", "remote": "\(remoteAddress)"
            ])
        inHandler = true
        loop.context.handler.handle(request, responder: HTTPResponder(loop: loop, connectionID: id, token: token))
        inHandler = false
    }

    /// The handler's response for request `token` (on the loop thread). Ignored unless that
    /// request is still the one waiting.
    func respond(_ response: HTTPResponse, token: UInt64) {
        guard phase == .active, let request = pending, request.token == token else { return }
        pending = nil
        lastActivity = MonotonicClock.now()
        let close = !request.keepAlive || peerClosed || loop.draining || HTTPResponseEncoder.requestsClose(response)
        let connectionHeader: HTTPResponseEncoder.ConnectionHeader =
            close ? .close : (request.version == .http10 ? .keepAlive : .none)
        enqueue(
            HTTPResponseEncoder.encode(
                response, headOnly: request.isHead, connection: connectionHeader,
                date: loop.currentDate()))
        if close { closeAfterWrite = true }
        flush()
        // A response from outside the handler call: go on with any request already buffered.
        if !inHandler { pump() }
        updateDeadline()
    }

    /// Closes the connection without answering request `token` (ignored unless it is the one waiting).
    func abort(token: UInt64) {
        guard phase == .active, let request = pending, request.token == token else { return }
        close()
    }

    /// Answers with the configured error rendering plus `Connection: close`, then closes.
    func sendError(_ status: HTTPStatus, _ message: String) {
        guard phase == .active else { return }
        pending = nil
        let response = loop.context.configuration.errorResponse(status, message)
        enqueue(HTTPResponseEncoder.encode(response, headOnly: false, connection: .close, date: loop.currentDate()))
        closeAfterWrite = true
        flush()
        updateDeadline()
    }

    // MARK: - Writing

    private func enqueue(_ chunks: [[UInt8]]) {
        for chunk in chunks where !chunk.isEmpty {
            output.append(chunk)
            outputBytes += chunk.count
        }
    }

    /// Writes until everything is sent or the socket would block (then waits for EPOLLOUT).
    private func flush() {
        guard phase == .active else { return }
        while outputIndex < output.count {
            let chunk = output[outputIndex]
            let result = chunk.withUnsafeBytes { bytes in
                Socket.write(fd, UnsafeRawBufferPointer(rebasing: bytes[outputOffset...]))
            }
            switch result {
            case .bytes(let count):
                lastWriteProgress = MonotonicClock.now()
                outputOffset += count
                outputBytes -= count
                if outputOffset == chunk.count {
                    outputIndex += 1
                    outputOffset = 0
                }
            case .wouldBlock:
                if !watchingWritable {
                    watchingWritable = true
                    loop.watch(self, writable: true)
                }
                return
            case .failed:
                // EPIPE, ECONNRESET…: the client is gone.
                close()
                return
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 64)
        lastActivity = max(lastActivity, lastWriteProgress)
        outputIndex = 0
        outputOffset = 0
        outputBytes = 0
        if watchingWritable {
            watchingWritable = false
            loop.watch(self, writable: false)
        }
        if closeAfterWrite { startLingering() }
    }

    // MARK: - Closing

    /// After the last response: shut down the write side (the client sees EOF after the
    /// response) and discard what the client still sends until it closes or `lingerTimeout`.
    private func startLingering() {
        guard phase == .active else { return }
        phase = .lingering
        pending = nil
        decoder = HTTPRequestDecoder(limits: loop.context.limits)
        Socket.shutdownWrite(fd)
        deadline = MonotonicClock.now() + loop.context.lingerTimeout
        loop.schedule(deadline: deadline)
        discardInput()
    }

    private func discardInput() {
        while phase == .lingering {
            switch Socket.read(fd, into: loop.readBuffer) {
            case .bytes: continue
            case .wouldBlock: return
            case .endOfFile, .failed:
                close()
                return
            }
        }
    }

    func closeIfIdle() {
        if isIdle { close() }
    }

    /// Shutdown began: read what the client may already have sent (a request that arrived just
    /// now is still served), then close the connection if it has nothing in progress.
    func beginDraining() {
        if phase == .active && pending == nil && !hasOutput { pump() }
        closeIfIdle()
        updateDeadline()
    }

    func close() {
        guard phase != .closed else { return }
        phase = .closed
        deadline = 0
        pending = nil
        output = []
        outputIndex = 0
        outputBytes = 0
        loop.closeConnection(self)
    }

    // MARK: - Deadlines

    /// Recomputes `deadline` from the current state and tells the loop.
    private func updateDeadline() {
        let timeouts = loop.context
        switch phase {
        case .closed:
            deadline = 0
            return
        case .lingering:
            return  // set once in startLingering
        case .active:
            if hasOutput {
                deadline = lastWriteProgress &+ timeouts.idleTimeout
            } else if pending != nil {
                deadline = 0
            } else if decoder.hasPartialRequest {
                let started = requestStartedAt ?? MonotonicClock.now()
                requestStartedAt = started
                deadline = started &+ timeouts.headerReadTimeout
            } else {
                requestStartedAt = nil
                deadline = lastActivity &+ timeouts.idleTimeout
            }
        }
        if deadline != 0 { loop.schedule(deadline: deadline) }
    }

    func deadlineExpired() {
        switch phase {
        case .closed:
            return
        case .lingering:
            close()
        case .active:
            if hasOutput {
                logger.debug("client stopped reading; closing", metadata: ["remote": "\(remoteAddress)"])
                close()
            } else if pending != nil {
                deadline = 0
            } else if decoder.hasPartialRequest {
                logger.debug("request not received in time", metadata: ["remote": "\(remoteAddress)"])
                sendError(.requestTimeout, "the request was not received in time")
            } else {
                logger.trace("closing idle connection", metadata: ["remote": "\(remoteAddress)"])
                close()
            }
        }
    }
}
