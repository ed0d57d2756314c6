import NIOCore
import NIOPosix

/// Why nothing at a host and port accepts connections, found by trying one: the pool retries a refused
/// connection quietly until its timeout, which would report a wrong port as a server that is slow to answer.
enum ConnectionRefusal {
    /// What stopped a TCP connection to `host`:`port` within `timeout`, or nil when one was accepted (or the
    /// attempt timed out, which the caller's own timeout reports).
    static func reason(host: String, port: Int, timeout: Duration) async -> String? {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(timeout))
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return nil
        } catch let error as NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "no host \(host) was found" }
            let failures = error.connectionErrors.map(\.error)
            return failures.isEmpty || !failures.allSatisfy(isRefusal) ? nil : "\(host):\(port) refused the connection"
        } catch {
            return isRefusal(error) ? "\(host):\(port) refused the connection" : nil
        }
    }

    private static func isRefusal(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == ECONNREFUSED
    }
}
