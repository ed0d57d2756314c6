import Testing

@testable import SessionStore

@Suite struct ULIDTests {
    @Test func idsAreTwentySixCrockfordCharactersCarryingTheTime() {
        let id = ULID.make(now: 1_795_571_111_090)
        #expect(ULID.isValid(id))
        #expect(id.count == 26)
        // 48 bits of milliseconds in the first 10 characters, most significant first.
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let milliseconds = id.prefix(10).reduce(Int64(0)) { $0 * 32 + Int64(alphabet.firstIndex(of: $1)!) }
        #expect(milliseconds >= 1_795_571_111_090)
    }

    @Test func idsMadeInOneMillisecondStillSortInCreationOrder() {
        let ids = (0..<2000).map { _ in ULID.make(now: 1_795_571_111_090) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func aClockThatStepsBackDoesNotBreakTheOrder() {
        let later = ULID.make(now: 1_900_000_000_000)
        let afterStepBack = ULID.make(now: 1_800_000_000_000)
        #expect(afterStepBack > later)
    }

    @Test func validationRejectsOtherStrings() {
        #expect(!ULID.isValid(""))
        #expect(!ULID.isValid("01M8861N5K1DB96S2Z487FWAP"))  // 25 characters
        #expect(!ULID.isValid("01M8861N5K1DB96S2Z487FWAPU"))  // U is not Crockford
        #expect(!ULID.isValid("81M8861N5K1DB96S2Z487FWAP6"))  // over 128 bits
        #expect(ULID.isValid("01M8861N5K1DB96S2Z487FWAP6"))
    }
}
