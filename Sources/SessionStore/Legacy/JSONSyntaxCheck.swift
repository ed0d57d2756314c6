/// Finds where a text stops being one JSON value (RFC 8259), from its bytes alone: the place a parser's error
/// message would give, without depending on how a Foundation version words it. Iterative, so that no nesting
/// depth can exhaust the stack; run before `JSONDecoder`, whose recursion a deeply nested text would.
enum JSONSyntaxCheck {
    /// The deepest nesting of arrays and objects accepted: far beyond what the models hold, far below what
    /// exhausts a thread's stack in a recursive parser.
    static let maximumDepth = 512

    /// What is wrong with the text.
    enum Failure: Equatable {
        /// The byte at this offset cannot stand there.
        case unexpectedByte(offset: Int)
        /// The text ends inside a value: it was cut short.
        case unfinished
        /// The array or object opening at this offset nests deeper than ``maximumDepth``.
        case tooDeep(offset: Int)
    }

    private enum Expected {
        case value, valueOrClose, key, keyOrClose, colon, commaOrClose, end
    }

    /// The first failure in `bytes`; nil when they hold exactly one JSON value.
    static func firstFailure(in bytes: some Collection<UInt8>) -> Failure? {
        // Scanned in place: a legacy file can be a gigabyte, and a copy would double what an import holds.
        bytes.withContiguousStorageIfAvailable(scan) ?? Array(bytes).withUnsafeBufferPointer(scan)
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Failure? {
        var containers: [UInt8] = []
        var expected = Expected.value
        var index = 0

        func afterValue() -> Expected { containers.isEmpty ? .end : .commaOrClose }

        while true {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) {
                index += 1
            }
            guard index < bytes.count else { return expected == .end ? nil : .unfinished }
            let byte = bytes[index]
            switch expected {
            case .value, .valueOrClose:
                if expected == .valueOrClose, byte == UInt8(ascii: "]") {
                    containers.removeLast()
                    index += 1
                } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    guard containers.count < maximumDepth else { return .tooDeep(offset: index) }
                    containers.append(byte)
                    index += 1
                    expected = byte == UInt8(ascii: "[") ? .valueOrClose : .keyOrClose
                    continue
                } else if let failure = scalar(bytes, &index) {
                    return failure
                }
                expected = afterValue()
            case .key, .keyOrClose:
                if expected == .keyOrClose, byte == UInt8(ascii: "}") {
                    containers.removeLast()
                    index += 1
                    expected = afterValue()
                } else if byte == UInt8(ascii: "\"") {
                    if let failure = string(bytes, &index) { return failure }
                    expected = .colon
                } else {
                    return .unexpectedByte(offset: index)
                }
            case .colon:
                guard byte == UInt8(ascii: ":") else { return .unexpectedByte(offset: index) }
                index += 1
                expected = .value
            case .commaOrClose:
                let open = containers.last!
                if byte == UInt8(ascii: ",") {
                    expected = open == UInt8(ascii: "[") ? .value : .key
                } else if byte == (open == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
                    containers.removeLast()
                    expected = afterValue()
                } else {
                    return .unexpectedByte(offset: index)
                }
                index += 1
            case .end:
                return .unexpectedByte(offset: index)
            }
        }
    }

    /// A string, number or literal starting at `index`, passed over.
    private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Failure? {
        switch bytes[index] {
        case UInt8(ascii: "\""): return string(bytes, &index)
        case UInt8(ascii: "t"): return literal("true", bytes, &index)
        case UInt8(ascii: "f"): return literal("false", bytes, &index)
        case UInt8(ascii: "n"): return literal("null", bytes, &index)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number(bytes, &index)
        default: return .unexpectedByte(offset: index)
        }
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Failure? {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return nil
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return .unfinished }
                let escaped = bytes[index + 1]
                if escaped == UInt8(ascii: "u") {
                    for offset in 2..<6 {
                        guard index + offset < bytes.count else { return .unfinished }
                        guard bytes[index + offset].isHexDigit else { return .unexpectedByte(offset: index + offset) }
                    }
                    index += 6
                } else {
                    guard Array("\"\\/bfnrt".utf8).contains(escaped) else { return .unexpectedByte(offset: index + 1) }
                    index += 2
                }
            case 0..<0x20:
                return .unexpectedByte(offset: index)
            default:
                index += 1
            }
        }
        return .unfinished
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Failure? {
        func digits() -> Int {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - start
        }
        func failure() -> Failure { index < bytes.count ? .unexpectedByte(offset: index) : .unfinished }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return failure()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { return failure() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { return failure() }
        }
        return nil
    }

    private static func literal(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Failure? {
        for expected in text.utf8 {
            guard index < bytes.count else { return .unfinished }
            guard bytes[index] == expected else { return .unexpectedByte(offset: index) }
            index += 1
        }
        return nil
    }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
