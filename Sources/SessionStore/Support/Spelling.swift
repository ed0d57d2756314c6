import Foundation

/// Whether `bytes` spell `text` exactly: reading stored words without making a String of them.
func spells(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
    spells(bytes, UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
}

/// Whether two byte ranges hold the same bytes.
func spells(_ bytes: UnsafeBufferPointer<UInt8>, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count == other.count else { return false }
    guard let start = bytes.baseAddress, let otherStart = other.baseAddress else { return true }
    return memcmp(start, otherStart, bytes.count) == 0
}
