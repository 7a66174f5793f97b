import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import SQLiteStore
import Testing

@testable import AkanaAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Which failures are a full disk (507 + Retry-After, an Akana Server fault) and how it is rendered.
/// The real thing, on a full tmpfs, is `DiskFullDaemonTests`.
@Suite struct DiskFullFaultTests {
    @Test func sqliteAndFileErrorsThatSayTheDiskIsFullAreRecognised() {
        #expect(AkanaApplication.isDiskFull(DatabaseError(resultCode: 13, message: "database or disk is full")))
        var shm = DatabaseError(resultCode: 10, extendedResultCode: 10 | (19 << 8), message: "disk I/O error")
        shm.systemErrno = ENOSPC
        #expect(AkanaApplication.isDiskFull(shm))
        #expect(AkanaApplication.isDiskFull(CocoaError(.fileWriteOutOfSpace)))
        #expect(AkanaApplication.isDiskFull(NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))))
        #expect(
            AkanaApplication.isDiskFull(
                NSError(
                    domain: NSCocoaErrorDomain, code: 512,
                    userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EDQUOT))])))
        #expect(!AkanaApplication.isDiskFull(DatabaseError(resultCode: 5, message: "database is locked")))
        #expect(!AkanaApplication.isDiskFull(DatabaseError(resultCode: 10, extendedResultCode: 10 | (1 << 8), message: "disk I/O error")))
        #expect(!AkanaApplication.isDiskFull(CocoaError(.fileWriteNoPermission)))
        #expect(!AkanaApplication.isDiskFull(NSError(domain: NSPOSIXErrorDomain, code: Int(EIO))))
    }

    @Test func theFaultIs507WithRetryAfterInEveryForm() throws {
        let json = FaultRenderer.response(for: .insufficientStorage(), accept: "application/json")
        #expect(json.status.code == 507)
        #expect(json.headers["Retry-After"] == "\(APIError.diskFullRetryAfterSeconds)")
        let body = try JSONParser.parse(json.body)
        #expect(body["faultcode"] == .string("Server"))
        #expect(body["faultstring"]?.stringValue?.contains("disk is full") == true)
        let xml = FaultRenderer.response(for: .insufficientStorage(), accept: "application/xml")
        #expect(String(decoding: xml.body, as: UTF8.self).contains("<faultcode>Server</faultcode>"))
        #expect(xml.headers["Retry-After"] != nil)
    }
}
