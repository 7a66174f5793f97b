/// The `q` of GET /api/search, parsed by a bounded parser (Ref_UsingSearchOnThePlatform): terms
/// separated by blanks; `type:app|api|user|model|group|*`; free words, case-insensitive, with `*`
/// wildcards; an object id; `AND` (also implied between terms), `OR`, and `-word`/`NOT word`.
/// The expression is an OR of AND-clauses; parentheses are refused rather than guessed at.
public struct SearchQuery: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// A resource type (`app`, `user`…); `*` for every type.
            case type(String)
            /// A word pattern, lowercased, with `*` wildcards; or an id as typed (`exact`).
            case word(pattern: String, exact: String)
        }
        public var kind: Kind
        public var negated: Bool
    }

    /// Each clause is an AND of terms; the query matches what any clause matches.
    public var clauses: [[Term]]

    public static let maxLength = 1_024
    public static let maxTerms = 32
    public static let maxWordLength = 255
    public static let maxWildcardsPerWord = 8
    public static let knownTypes = ["app", "api", "user", "model", "group"]

    /// Parses `text` (nil or blank: everything the caller may see). Over-long queries, too many
    /// terms, unknown types and parentheses are 400 faults.
    public static func parse(_ text: String?) throws(DomainError) -> SearchQuery {
        let text = text ?? ""
        guard FieldLimits.fits(text, maxLength) else {
            throw DomainError.badRequest("The search expression q is longer than \(maxLength) characters.")
        }
        if text.contains("(") || text.contains(")") {
            throw DomainError.badRequest("The search expression q may not group with parentheses; write it as clauses joined by OR.")
        }
        var clauses: [[Term]] = [[]]
        var negateNext = false
        var count = 0
        for raw in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            var token = String(raw).replacingOccurrences(of: "\"", with: "")
            switch token {
            case "AND", "&&": continue
            case "OR", "||":
                if !(clauses.last?.isEmpty ?? true) { clauses.append([]) }
                negateNext = false
                continue
            case "NOT":
                negateNext = true
                continue
            default: break
            }
            var negated = negateNext
            negateNext = false
            if token.hasPrefix("-"), token.count > 1 {
                negated.toggle()
                token.removeFirst()
            }
            guard !token.isEmpty else { continue }
            count += 1
            guard count <= maxTerms else { throw DomainError.badRequest("The search expression q has more than \(maxTerms) terms.") }
            guard FieldLimits.fits(token, maxWordLength) else {
                throw DomainError.badRequest("A term of the search expression q is longer than \(maxWordLength) characters.")
            }
            let kind: Term.Kind
            if token.lowercased().hasPrefix("type:") {
                let name = String(token.dropFirst(5)).lowercased()
                guard name == "*" || knownTypes.contains(name) else {
                    throw DomainError.badRequest(
                        "Unknown search type '\(name)'; the types are \(knownTypes.joined(separator: ", ")) and *.")
                }
                kind = .type(name)
            } else {
                guard token.filter({ $0 == "*" }).count <= maxWildcardsPerWord else {
                    throw DomainError.badRequest("A word of the search expression q has more than \(maxWildcardsPerWord) wildcards.")
                }
                kind = .word(pattern: SearchText.fold(token), exact: token)
            }
            clauses[clauses.count - 1].append(Term(kind: kind, negated: negated))
        }
        if clauses.count > 1, clauses.last?.isEmpty == true { clauses.removeLast() }
        return SearchQuery(clauses: clauses)
    }

    /// The types the query can match (nil: every type).
    public var types: Set<String>? {
        var all = Set<String>()
        for clause in clauses {
            let wanted = clause.compactMap { term -> String? in
                if case .type(let name) = term.kind, !term.negated { return name }
                return nil
            }
            if wanted.isEmpty || wanted.contains("*") { return nil }
            // An AND of two different types matches nothing; the intersection is what the clause can match.
            let intersection = wanted.dropFirst().reduce(Set([wanted[0]])) { $0.intersection([$1]) }
            all.formUnion(intersection)
        }
        return all
    }

    /// When the query is one id-like word and nothing else (`q=<uuid>.<tenant>`): that id.
    public var singleID: String? {
        guard clauses.count == 1, clauses[0].count == 1, !clauses[0][0].negated,
            case .word(_, let exact) = clauses[0][0].kind, !exact.contains("*"), exact.contains(".")
        else { return nil }
        return exact
    }

    /// Whether `hit` matches.
    public func matches(_ hit: SearchHit) -> Bool {
        clauses.contains { clause in clause.allSatisfy { term in term.matches(hit) != term.negated } }
    }
}

extension SearchQuery.Term {
    func matches(_ hit: SearchHit) -> Bool {
        switch kind {
        case .type(let name): return name == "*" || name == hit.type
        case .word(let pattern, let exact):
            if exact == hit.id { return true }
            if pattern == "*" { return true }
            let hasWildcard = pattern.contains("*")
            for field in hit.searchable {
                let folded = SearchText.fold(field)
                if hasWildcard ? SearchText.glob(pattern, folded) : pattern == folded { return true }
                for token in SearchText.tokens(folded) where hasWildcard ? SearchText.glob(pattern, token) : pattern == token {
                    return true
                }
            }
            return false
        }
    }
}

/// Text helpers of the search: case folding, words, `*` patterns.
public enum SearchText {
    /// Lowercased (the search is case-insensitive).
    public static func fold(_ text: String) -> String { text.lowercased() }

    /// The words of `text`: runs of letters and digits.
    static func tokens(_ text: String) -> [Substring] {
        text.split { !($0.isLetter || $0.isNumber) }
    }

    /// `*`-pattern match over characters (see `Wildcard`).
    static func glob<S: StringProtocol>(_ pattern: String, _ text: S) -> Bool {
        Wildcard.matches(Array(pattern), Array(text), star: "*")
    }
}
