import Foundation
import SQLiteStore
import Testing

@testable import AkanaDomain

/// ContentService over a real database, and the path and placement rules it stands on.
@Suite struct ContentServiceTests {
    let fixture: WorkflowFixture
    let service: ContentService
    let admin = ModelServiceTests.session("admin", [Role.siteAdmin])
    let jane = ModelServiceTests.session("jane", [])

    init() throws {
        fixture = try WorkflowFixture()
        service = ContentService(database: fixture.pool, clock: fixture.clock)
    }

    func upload(_ path: String, _ name: String, _ bytes: [UInt8], unpack: Bool = false, store: ContentStore = .content) throws
        -> [ContentFile]
    {
        try service.upload(
            ContentUploadInput(store: store, path: path, fileName: name, bytes: bytes, declaredType: nil, unpack: unpack), caller: admin)
    }

    func rows() throws -> [String] {
        try fixture.pool.read { db in
            try db.query("SELECT store, path, is_folder FROM content_files ORDER BY store, path").map {
                "\(try $0.requiredString("store")):\(try $0.requiredString("path"))\(try $0.requiredBool("is_folder") ? "/" : "")"
            }
        }
    }

    @Test func pathsThatCouldLeaveTheStoreAreRefused() throws {
        #expect(try ContentPath.normalized("home/landing/") == "home/landing")
        #expect(try ContentPath.normalized("") == "")
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "./a", "a\\b", "a\u{0}b", String(repeating: "a/", count: 40) + "a"]
        {
            #expect(throws: DomainError.self, "\(bad)") { try ContentPath.normalized(bad) }
        }
        #expect(try ContentPath.fileName("C:\\Users\\me\\custom.less") == "custom.less")
        #expect(throws: DomainError.self) { try ContentPath.fileName("..") }
        #expect(ContentPath.ancestors(of: "a/b/c") == ["a", "a/b"])
        #expect(ContentPath.apiID(.content, "api/x1.acme/documents/a.htm") == "x1.acme")
        #expect(ContentPath.apiID(.resources, "api/x1.acme/documents") == nil)
    }

    /// A ZIP's entries land below the folder, every folder (the folder's own ancestors too) before
    /// what it holds, each once.
    @Test func placementPutsFoldersFirstAndEverythingBelowTheFolder() throws {
        let zip = Array(
            try ZipArchive.write([
                .init(path: "docs/a.md", bytes: [1]), .init(path: "docs", isDirectory: true), .init(path: "index.htm", bytes: [2])
            ]))
        let writes = try ContentPlacement.unpack(zip, into: "api/x/documents")
        #expect(
            writes.map { $0.path + ($0.isFolder ? "/" : "") } == [
                "api/", "api/x/", "api/x/documents/", "api/x/documents/docs/", "api/x/documents/docs/a.md",
                "api/x/documents/index.htm"
            ])
        #expect(throws: DomainError.self) {
            try ContentPlacement.unpack(Array(try ZipArchive.write([.init(path: "../x", bytes: [1])])), into: "home")
        }
        #expect(throws: DomainError.badRequest("The file is not a ZIP archive")) { try ContentPlacement.unpack([1, 2, 3], into: "home") }
    }

    @Test func uploadsStoreReplaceAndDeleteInOneTransactionEach() throws {
        _ = try upload("home/landing", "index.htm", [1])
        #expect(try rows() == ["content:home/", "content:home/landing/", "content:home/landing/index.htm"])
        // A refused ZIP writes nothing, even after entries that were fine.
        let bad = Array(try ZipArchive.write([.init(path: "ok.htm", bytes: [1]), .init(path: "/abs", bytes: [2])]))
        #expect(throws: DomainError.self) { try upload("home/other", "bad.zip", bad, unpack: true) }
        // A file where a folder is, or the other way round: 409, nothing written.
        #expect(throws: DomainError.conflict("/content/home/landing/index.htm is a file; a folder cannot be written there.")) {
            try upload("home/landing/index.htm/deeper", "x.htm", [1])
        }
        #expect(try rows() == ["content:home/", "content:home/landing/", "content:home/landing/index.htm"])
        _ = try upload("home/landing/index.htm", "renamed.htm", [9])
        guard
            case .file(let file, let bytes) = try service.item(
                store: .content, path: "home/landing/index.htm", tenant: admin.tenant, caller: jane, scope: .detached)
        else {
            Issue.record("not a file")
            return
        }
        #expect(bytes == [9])
        #expect(file.mediaType == "text/html")
        try service.delete(store: .content, path: "home", caller: admin)
        #expect(try rows() == [])
        #expect(throws: DomainError.notFound("/content/home was not found.")) {
            try service.delete(store: .content, path: "home", caller: admin)
        }
    }

    @Test func rolesOfTheStores() throws {
        #expect(throws: DomainError.self) {
            try service.upload(
                ContentUploadInput(store: .resources, path: "theme", fileName: "a.less", bytes: [1], declaredType: nil, unpack: false),
                caller: jane)
        }
        #expect(throws: DomainError.self) {
            try service.add(ContentAdditionInput(store: .content, path: "home/a.htm", folder: false, body: "x", type: nil), caller: jane)
        }
        // An API's folder needs the API: unknown here, so 404 for everyone.
        #expect(throws: DomainError.notFound("API nosuch.acmepaymentscorp was not found.")) {
            try upload("api/nosuch.acmepaymentscorp/documents", "a.htm", [1])
        }
        #expect(try rows() == [])
    }
}
