import AkanaDomain
import Foundation
import JSONCodec

/// The content store's listings: an RSS channel, as every platform list is (`rwctl portal cms
/// list` walks `channel.item[].title` and descends where `category[0].value` is `folder`). The
/// item's fields are the channel's own; which category names a folder is not visible in the
/// stored help pages, so the kind comes first (`folder`/`file`, domain `type`) and a file's media
/// type second (domain `mediatype`); `guid` is the item's URL path, `description` its media type.
enum ContentRepresentation {
    static func listing(store: ContentStore, path: String, _ children: [ContentFile]) -> RSSChannel {
        RSSChannel(title: ContentPath.urlPath(store, path), items: children.map(item))
    }

    static func item(_ file: ContentFile) -> RSSChannel.Item {
        RSSChannel.Item(
            title: file.name, description: file.isFolder ? "" : file.mediaType, guid: file.urlPath,
            categories: [("type", file.isFolder ? "folder" : "file")] + (file.isFolder ? [] : [("mediatype", file.mediaType)]),
            created: file.updated)
    }

    /// What an upload wrote, for a client that asked for `wrapInHTML=true` (an upload from a
    /// browser form into a hidden frame): the JSON answer inside a `<textarea>` of an HTML page.
    static func wrappedInHTML(_ json: [UInt8]) -> [UInt8] {
        var escaped: [UInt8] = []
        XMLWriter.escape(String(decoding: json, as: UTF8.self), into: &escaped)
        return Array("<html><body><textarea>".utf8) + escaped + Array("</textarea></body></html>".utf8)
    }
}
