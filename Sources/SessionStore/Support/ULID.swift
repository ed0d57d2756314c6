import SessionStoreSQLite

/// ULIDs (https://github.com/ulid/spec): 48 bits of milliseconds and 80 random bits, as 26 Crockford base-32
/// characters.
///
/// Monotonic within the process: an id made in the same millisecond as the previous one (or while the clock
/// stepped back) is the previous one plus one, so ids sort in creation order.
package enum ULID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    private struct State {
        var milliseconds: UInt64 = 0
        var high: UInt16 = 0  // top 16 of the 80 random bits
        var low: UInt64 = 0  // bottom 64
    }

    private static let last = Locked(State())

    /// A new id, later than every id this process made before.
    package static func make(now milliseconds: Int64) -> String {
        let state = last.withLock { last in
            let now = UInt64(clamping: milliseconds)
            if now > last.milliseconds {
                last = State(milliseconds: now, high: .random(in: 0 ... .max), low: .random(in: 0 ... .max))
            } else {
                let (low, carry) = last.low.addingReportingOverflow(1)
                last.low = low
                if carry {
                    let (high, overflow) = last.high.addingReportingOverflow(1)
                    last.high = high
                    // 2^80 ids in one millisecond: borrow the next millisecond rather than repeat an id.
                    if overflow { last.milliseconds += 1 }
                }
            }
            return last
        }
        return encode(state)
    }

    private static func encode(_ state: State) -> String {
        // 128 bits, most significant first: 48 time bits, 16 high random bits, 64 low random bits.
        let upper = state.milliseconds << 16 | UInt64(state.high)
        let lower = state.low
        var characters = [UInt8](repeating: 0, count: 26)
        for index in 0..<26 {
            // Character `index` holds bits [128 - 5 * (26 - index), …) of the 130-bit big-endian value.
            let shift = 5 * (25 - index)
            let value: UInt64
            if shift >= 64 {
                value = upper >> (shift - 64)
            } else if shift > 59 {
                value = lower >> shift | upper << (64 - shift)
            } else {
                value = lower >> shift
            }
            characters[index] = alphabet[Int(value & 0x1F)]
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether `text` is 26 Crockford base-32 characters whose value fits 128 bits.
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 26 && bytes.allSatisfy(alphabet.contains) && bytes[0] <= UInt8(ascii: "7")
    }
}
