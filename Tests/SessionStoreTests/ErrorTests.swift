import Foundation
import SessionStore
import Testing
import TestSupport

// This file imports SessionStore alone, as a server would: every name it uses must be reachable from there.
@Suite struct ErrorTests {
    @Test func localizedDescriptionSaysWhatWasWrong() {
        let notFound = SessionStoreError.sessionNotFound(workspaceId: "w", sessionId: "s")
        #expect((notFound as any Error).localizedDescription == "no session s in workspace w")
        let busy = SQLiteError(code: .busy, message: "database is locked", sql: "BEGIN IMMEDIATE")
        #expect((busy as any Error).localizedDescription == busy.description)
        #expect(busy.description.contains("database is locked"))
    }

    @Test func aPrimaryCodeCatchesItsExtendedCodes() {
        func caughtAsBusy(_ error: SQLiteError) -> Bool {
            do {
                throw error
            } catch SQLiteError.busy {
                return true
            } catch {
                return false
            }
        }
        #expect(caughtAsBusy(SQLiteError(code: .busySnapshot)))
        #expect(caughtAsBusy(SQLiteError(code: .busy)))
        #expect(!caughtAsBusy(SQLiteError(code: .locked)))
        #expect(!caughtAsBusy(SQLiteError(code: .constraintForeignKey)))
    }

    @Test func anExtendedCodeMatchesItselfOnly() {
        #expect(ResultCode.constraint ~= ResultCode.constraintForeignKey)
        #expect(ResultCode.constraintForeignKey ~= ResultCode.constraintForeignKey)
        #expect(!(ResultCode.constraintUnique ~= ResultCode.constraintForeignKey))
        #expect(!(ResultCode.constraintForeignKey ~= ResultCode.constraint))
        #expect(!(ResultCode.busy ~= (CancellationError() as any Error)))
    }

    @Test func aFileThatIsNoDatabaseIsCaughtByItsCode() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.txt")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        var caught = false
        do {
            _ = try await SessionRepository(path: path)
        } catch SQLiteError.notADatabase {
            caught = true
        }
        #expect(caught)
    }

    @Test func aFullDiskIsRecognizedWhateverCodeItArrivesWith() {
        #expect(SQLiteError(code: .full).isDiskFull)
        #expect(SQLiteError(code: .ioErrorShmSize).isDiskFull)
        #expect(SQLiteError(code: .ioErrorShmSize).extendedResultCode.rawValue == 4874)
        #expect(!SQLiteError(code: .ioError).isDiskFull)
        #expect(!SQLiteError(code: .busy).isDiskFull)
    }
}
