import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import SQLiteStore
import Testing

@testable import AkanaAPI

/// The portal's content store: `/content/{path}`, `/resources/{path}` and generatestyles, sent the
/// way rwctl's `portal` commands send them (its source: portal/upload.go, download.go, reset.go,
/// rebuild.go and cms/list.go).
@Suite struct ContentRoutesTests {
    let world: APIWorld
    var app: TestApp { world.app }
    init() throws { world = try APIWorld() }

    static let boundary = "rwctlBoundary42"

    /// A multipart body with one `File` part, as Go's `multipart.Writer.CreateFormFile` writes it.
    static func multipart(_ fileName: String, _ bytes: [UInt8]) -> [UInt8] {
        Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"File\"; filename=\"\(fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8) + bytes + Array("\r\n--\(boundary)--\r\n".utf8)
    }

    func upload(_ target: String, _ fileName: String, _ bytes: [UInt8], as session: TestApp.Session? = nil) throws -> HTTPResponse {
        app.handle(
            try HTTPRequest(
                method: .post, target: target,
                headers: TestApp.headers(
                    session ?? world.admin,
                    [
                        "Host": "127.0.0.1:8080", "Content-Type": "multipart/form-data; boundary=\(Self.boundary)",
                        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
                    ]),
                body: Self.multipart(fileName, bytes)))
    }

    func get(_ target: String, as session: TestApp.Session?, accept: String? = "application/json") throws -> HTTPResponse {
        var headers: HTTPHeaders = [:]
        if let session { headers.add("Cookie", session.cookieHeader) }
        if let accept { headers.add("Accept", accept) }
        return try app.send(.get, target, headers: headers)
    }

    func delete(_ target: String, as session: TestApp.Session? = nil) throws -> HTTPResponse {
        try app.send(.delete, target, headers: TestApp.headers(session ?? world.admin))
    }

    func form(_ target: String, _ body: String, as session: TestApp.Session? = nil) throws -> HTTPResponse {
        try app.send(
            .post, target,
            headers: TestApp.headers(session ?? world.admin, ["Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"]),
            body: body)
    }

    /// (title, category[0].value) of a listing's items.
    static func items(_ response: HTTPResponse) throws -> [String] {
        try (response.json()["channel"]?["item"]?.arrayValue ?? []).map {
            "\($0["title"]?.stringValue ?? "?") \($0["category"]?.arrayValue?.first?["value"]?.stringValue ?? "?")"
        }
    }

    func rows() throws -> Int {
        try app.pool.read { try $0.queryFirst("SELECT count(*) AS n FROM content_files")?.int("n") ?? -1 }
    }

    static let site = [
        ZipArchive.Entry(path: "index.htm", bytes: Array("<html>landing</html>".utf8)),
        ZipArchive.Entry(path: "css", isDirectory: true),
        ZipArchive.Entry(path: "css/site.css", bytes: Array("body{color:#333}".utf8))
    ]

    // MARK: - rwctl's commands

    /// `rwctl portal upload custom.less --path /resources/theme/hermosa/less`, then `cms list`,
    /// reading the file back without a login, `rebuild` and `reset`.
    @Test func uploadOneFileListItReadItAndResetTheTheme() throws {
        let less = Array("@main-color: #810040;\n".utf8)
        let uploaded = try upload("/resources/theme/hermosa/less", "custom.less", less)
        #expect(uploaded.status == .ok, "\(uploaded.text)")
        #expect(uploaded.headers["Content-Type"] == "application/json")  // "Accept: Not applicable"
        #expect(try Self.items(uploaded) == ["theme folder", "hermosa folder", "less folder", "custom.less file"])
        // cms list: both roots, then down the folders (rwctl sends Accept: application/json).
        #expect(try Self.items(get("/content", as: world.admin)) == [])
        #expect(try Self.items(get("/resources", as: world.admin)) == ["theme folder"])
        #expect(try Self.items(get("/resources/theme", as: world.admin)) == ["hermosa folder"])
        let listing = try get("/resources/theme/hermosa/less", as: nil)
        #expect(try Self.items(listing) == ["custom.less file"])
        let item = try #require(try listing.json()["channel"]?["item"]?.arrayValue?.first)
        #expect(item["guid"]?["value"] == .string("/resources/theme/hermosa/less/custom.less"))
        #expect(item["category"]?.arrayValue?.last?["value"] == .string("text/css"))
        // Anyone reads a resource, with the type it was stored with.
        let file = try get("/resources/theme/hermosa/less/custom.less", as: nil, accept: nil)
        #expect(file.status == .ok)
        #expect(file.body == less)
        #expect(file.headers["Content-Type"] == "text/css")
        let downloaded = try get("/resources/theme/hermosa/less/custom.less?download=true", as: nil, accept: nil)
        #expect(downloaded.headers["Content-Disposition"] == "attachment; filename=\"custom.less\"")
        // The same upload again replaces the file.
        #expect(try upload("/resources/theme/hermosa/less", "custom.less", Array("@x: 1;".utf8)).status == .ok)
        #expect(try get("/resources/theme/hermosa/less/custom.less", as: nil).text == "@x: 1;")
        // rebuild: form theme=hermosa, JSON with `result`.
        let rebuilt = try form("/resources/branding/generatestyles", "theme=hermosa")
        #expect(rebuilt.status == .ok, "\(rebuilt.text)")
        #expect(try rebuilt.json()["result"] == .string("success"))
        // reset: seven DELETEs; the ones naming nothing are 404s, the folder takes its file with it.
        let reset = [
            "/content/home/landing/index.htm", "/resources/theme/hermosa/i18n", "/resources/theme/hermosa/less/custom.less",
            "/resources/theme/hermosa/style/images/favicon.ico", "/resources/theme/hermosa/SOA", "/resources/theme/hermosa/less",
            "/resources/theme/hermosa/style"
        ].map { try? delete($0).status.code }
        #expect(reset == [404, 404, 200, 404, 404, 200, 404])
        #expect(try get("/resources/theme/hermosa/less/custom.less", as: nil).status == .notFound)
        #expect(try Self.items(get("/resources/theme/hermosa", as: nil)) == [])
    }

    /// `rwctl portal upload site.zip --path /content/home/landing` (`?unpack=true`), then
    /// `portal download` (`?download=true&Zip=true`), read back with ZipArchive.
    @Test func unpackAZipInPlaceAndDownloadTheFolderAsAZip() throws {
        let zip = try ZipArchive.write(Self.site)
        let uploaded = try upload("/content/home/landing?unpack=true", "site.zip", Array(zip))
        #expect(uploaded.status == .ok, "\(uploaded.text)")
        #expect(try Self.items(get("/content/home/landing", as: world.jane)) == ["css folder", "index.htm file"])
        let page = try get("/content/home/landing/index.htm", as: world.jane, accept: nil)
        #expect(page.text == "<html>landing</html>")
        #expect(page.headers["Content-Type"] == "text/html")
        #expect(try get("/content/home/landing/css/site.css", as: world.jane).headers["Content-Type"] == "text/css")

        let download = try get("/content/home/landing?download=true&Zip=true", as: world.admin, accept: nil)
        #expect(download.status == .ok, "\(download.text)")
        #expect(download.headers["Content-Type"] == "application/zip")
        #expect(download.headers["Content-Disposition"] == "attachment; filename=\"landing.zip\"")
        let entries = try ZipArchive.read(Data(download.body))
        #expect(entries.map(\.path) == ["css", "css/site.css", "index.htm"])
        #expect(entries.first { $0.path == "index.htm" }?.bytes == Self.site[0].bytes)
        #expect(entries.first { $0.path == "css/site.css" }?.bytes == Self.site[2].bytes)
        // The XML form of a listing is the RSS document.
        let xml = try get("/content/home/landing", as: world.jane, accept: "application/xml")
        #expect(xml.text.contains("<rss version=\"2.0\"><channel><title>/content/home/landing</title>"))
    }

    // MARK: - Forms, roles, bounds

    @Test func formsAddAFolderWithItsTableOfContentsOrANewFile() throws {
        let folder = try form("/content/documentation", "folder=true")
        #expect(folder.status == .ok, "\(folder.text)")
        #expect(folder.text == "/content/documentation")
        #expect(try Self.items(get("/content/documentation", as: world.admin)) == ["toc.json file"])
        #expect(try get("/content/documentation/toc.json", as: world.admin).text == "{}")
        // The page's sample: the content in the query string, form-encoded (no body).
        let eula = try form("/content/legal/eula.txt?body=End+user+license+agreement&type=text/plain", "")
        #expect(eula.status == .ok, "\(eula.text)")
        let read = try get("/content/legal/eula.txt", as: world.jane)
        #expect(read.text == "End user license agreement")
        #expect(read.headers["Content-Type"] == "text/plain")
        // A new file cannot be empty; a resources folder needs its parent.
        #expect(try form("/content/legal/empty.htm", "body=").status == .badRequest)
        #expect(try form("/resources/images/icons", "folder=true").status == .notFound)
        #expect(try form("/resources/images", "folder=true").status == .ok)
        #expect(try form("/resources/images/icons", "folder=true").status == .ok)
        #expect(try form("/resources/images", "folder=true").status == .conflict)
    }

    @Test func rolesAreThePagesOnes() throws {
        let less = Array("@a: 1;".utf8)
        // /resources: Site Admin writes, anyone reads; a Business Admin may not write.
        #expect(try upload("/resources/theme/x", "a.less", less, as: world.bob).status == .forbidden)
        #expect(try upload("/resources/theme/x", "a.less", less, as: world.jane).status == .forbidden)
        #expect(try form("/resources/branding/generatestyles", "theme=x", as: world.jane).status == .forbidden)
        #expect(try upload("/resources/theme/x", "a.less", less).status == .ok)
        #expect(try delete("/resources/theme/x/a.less", as: world.jane).status == .forbidden)
        // /content outside an API: Business and Site Admins write; every signed-in user reads; no login, 401.
        #expect(try upload("/content/home", "a.htm", less, as: world.jane).status == .forbidden)
        #expect(try upload("/content/home", "a.htm", less, as: world.bob).status == .ok)
        #expect(try get("/content/home/a.htm", as: world.kim).status == .ok)
        #expect(try get("/content/home/a.htm", as: nil).status == .unauthorized)
        #expect(try get("/content", as: nil).status == .unauthorized)
        #expect(try delete("/content/home/a.htm", as: world.kim).status == .forbidden)
        #expect(
            try app.send(.post, "/content/home", headers: ["Content-Type": "application/x-www-form-urlencoded"]).status == .unauthorized)
        // A write without the CSRF header is refused like any other.
        #expect(
            try app.send(.delete, "/content/home/a.htm", headers: ["Cookie": world.admin.cookieHeader]).status == .unauthorized)
        #expect(try get("/content/home/a.htm", as: world.kim).status == .ok)
    }

    /// The pipeline's `POST /content/api/{APIID}/documents?unpack=true`: the API's admins write, its
    /// readers read, a Limited API's documents are hidden from others, and deleting the API deletes them.
    @Test func apiDocumentsFollowTheAPIsRulesAndGoWithIt() throws {
        let (api, _) = try world.createAPI(as: world.jane, visibility: "Limited")
        let zip = Array(try ZipArchive.write(Self.site))
        let stored = try upload("/content/api/\(api)/documents?unpack=true", "docs.zip", zip, as: world.jane)
        #expect(stored.status == .ok, "\(stored.text)")
        #expect(try upload("/content/api/\(api)/documents?unpack=true", "docs.zip", zip, as: world.kim).status == .notFound)
        let page = try get("/content/api/\(api)/documents/index.htm", as: world.jane)
        #expect(page.text == "<html>landing</html>")
        #expect(try get("/content/api/\(api)/documents/index.htm", as: world.kim).status == .notFound)
        #expect(try get("/content/api/\(api)/documents/index.htm", as: world.bob).status == .ok)
        #expect(try Self.items(get("/content/api", as: world.jane)) == ["\(api) folder"])
        #expect(try Self.items(get("/content/api", as: world.kim)) == [])
        #expect(try get("/content/api?download=true&Zip=true", as: world.kim).status == .ok)
        #expect(try ZipArchive.read(Data(get("/content/api?download=true&Zip=true", as: world.kim).body)).isEmpty)
        #expect(try rows() > 0)
        let deleted = try app.send(.delete, "/api/apis/\(api)", headers: TestApp.headers(world.jane, ["Accept": "*/*"]))
        #expect(deleted.status == .ok, "\(deleted.text)")
        #expect(try rows() == 1)  // the folder `api` stays; everything of the API went with it
        #expect(try Self.items(get("/content/api", as: world.admin)) == [])
    }

    /// Refused ZIPs: a 400 with ZipArchive's reason, and nothing written.
    @Test(arguments: ["traversal", "bomb", "symlink", "10,001 entries", "not a zip"])
    func refusedZipsWriteNothing(_ kind: String) throws {
        let data: Data
        switch kind {
        case "traversal": data = try ZipArchive.write([.init(path: "ok.htm", bytes: [1]), .init(path: "../../evil.htm", bytes: [2])])
        case "bomb": data = try ZipArchive.write([.init(path: "zeros.bin", bytes: [UInt8](repeating: 0, count: 8 << 20))])
        case "symlink": data = Data(HostileZips.symlink())
        case "10,001 entries": data = Data(HostileZips.manyEntries(10_001))
        default: data = Data("PK not really".utf8)
        }
        let response = try upload("/content/home/landing?unpack=true", "site.zip", Array(data))
        #expect(response.status == .badRequest, "\(response.text)")
        #expect(response.text.contains("<faultcode>Client</faultcode>"))  // the fault in the form Accept prefers
        #expect(try rows() == 0)
    }

    @Test func pathsThatLeaveTheStoreAreRefused() throws {
        #expect(try upload("/content/a/%2E%2E/b", "x.htm", [1]).status == .badRequest)
        #expect(try get("/content/a%5Cb", as: world.admin).status == .badRequest)
        #expect(try upload("/content/home", "..", [1]).status == .badRequest)
        #expect(try rows() == 0)
    }

    /// A file and a folder cannot share a path.
    @Test func aFileIsNotAFolder() throws {
        #expect(try upload("/content/home", "page.htm", [1]).status == .ok)
        #expect(try upload("/content/home/page.htm/deeper", "x.htm", [1]).status == .conflict)
        #expect(try form("/content/home/page.htm", "folder=true").status == .conflict)
        // Uploading to a path naming a file replaces it.
        #expect(try upload("/content/home/page.htm", "other.htm", [2]).status == .ok)
        #expect(try get("/content/home/page.htm", as: world.admin).body == [2])
    }

    /// A checkpoint rollback takes an upload away again.
    @Test func aCheckpointRollbackRemovesAnUpload() throws {
        let checkpoint = try app.send(.post, "/_emulator/checkpoints")
        let id = try #require(try checkpoint.json()["id"]?.stringValue)
        #expect(try upload("/resources/theme/hermosa/less", "custom.less", [1, 2, 3]).status == .ok)
        #expect(try get("/resources/theme/hermosa/less/custom.less", as: nil).status == .ok)
        #expect(try app.send(.post, "/_emulator/checkpoints/\(id)/rollback").status == .ok)
        #expect(try get("/resources/theme/hermosa/less/custom.less", as: nil).status == .notFound)
        #expect(try rows() == 0)
    }

    /// The state browser lists the stores' files.
    @Test func theStateBrowserListsContentFiles() throws {
        #expect(try upload("/resources/theme/hermosa/less", "custom.less", [1, 2, 3]).status == .ok)
        let page = try app.send(.get, "/_emulator/ui/content")
        #expect(page.status == .ok)
        #expect(page.text.contains("/resources/theme/hermosa/less/custom.less"))
        #expect(page.text.contains("text/css"))
        #expect(try app.send(.get, "/_emulator/ui").text.contains("href=\"/_emulator/ui/content\""))
    }

    /// The stores' routes serve any depth; `/resources/branding/generatestyles` is its own resource
    /// (a GET of it is a 405 naming POST, as the OpenAPI document says); other methods are 405s.
    @Test func theRemainderRoutesResolveAtAnyDepth() throws {
        let styles = try get("/resources/branding/generatestyles", as: nil)
        #expect(styles.status == .methodNotAllowed)
        #expect(styles.headers["Allow"] == "POST")
        #expect(try get("/resources/branding", as: nil).status == .notFound)
        let put = try app.send(.put, "/content/a/b/c/d", headers: TestApp.headers(world.admin))
        #expect(put.status == .methodNotAllowed)
        #expect(try upload("/content/a/b/c/d/e/f/g", "deep.htm", [7]).status == .ok)
        #expect(try get("/content/a/b/c/d/e/f/g/deep.htm", as: world.admin).body == [7])
    }
}
