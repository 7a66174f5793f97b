import Foundation
import TestSupport
import Testing

/// The content store on the real binary: what `rwctl portal upload custom.less` sends is stored in
/// the database file and is there after a restart, for anyone to read under /resources.
@Suite(.serialized) struct ContentDaemonTests {
    func start(_ directory: TemporaryDirectory) throws -> EmulatorProcess {
        let emulator = try EmulatorProcess(
            arguments: ["serve", "--port", "0", "--database", directory.path("db.sqlite"), "--log-level", "warning"],
            directory: directory.url)
        try emulator.waitUntilListening()
        return emulator
    }

    @Test func anUploadSurvivesARestart() throws {
        let directory = try TemporaryDirectory()
        let emulator = try start(directory)
        let login = try RawHTTPClient.send(
            port: emulator.port, "POST", "/api/login", headers: [("Content-Type", "application/json")],
            body: #"{"email":"administrator@acmepaymentscorp.com","password":"password"}"#)
        #expect(login.status == 200)
        let cookies = login.headers.values("Set-Cookie").map { String($0.prefix { $0 != ";" }) }
        let csrf = cookies.first { $0.hasPrefix("Csrf-Token_") }.map { String($0.drop { $0 != "=" }.dropFirst()) } ?? ""
        let less = "@main-color: #810040;\n"
        let upload = try RawHTTPClient.send(
            port: emulator.port, "POST", "/resources/theme/hermosa/less",
            headers: [
                ("Cookie", cookies.joined(separator: "; ")), ("X-Csrf-Token_acmepaymentscorp", csrf),
                ("Content-Type", "multipart/form-data; boundary=b42"),
                ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
            ],
            body:
                "--b42\r\nContent-Disposition: form-data; name=\"File\"; filename=\"custom.less\"\r\nContent-Type: application/octet-stream\r\n\r\n\(less)\r\n--b42--\r\n"
        )
        #expect(upload.status == 200, "\(upload.text)")
        #expect(emulator.stop() == 0)

        let restarted = try start(directory)
        let read = try RawHTTPClient.send(port: restarted.port, "GET", "/resources/theme/hermosa/less/custom.less")
        #expect(read.status == 200)
        #expect(read.text == less)
        #expect(read.headers["Content-Type"] == "text/css")
        #expect(restarted.stop() == 0)
    }
}
