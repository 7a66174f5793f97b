/// `*` (any run, possibly empty) and optionally a one-element wildcard, over any elements: fault
/// rules match path bytes with `*` and `?`, the search matches words' characters with `*`.
/// Iterative with one backtrack point, so linear in the text per star: no pattern can make it
/// expensive. A wildcard element in the pattern is always a wildcard, even where the text holds
/// the same element.
package enum Wildcard {
    package static func matches<Element: Equatable>(_ pattern: [Element], _ text: [Element], star: Element, one: Element? = nil) -> Bool {
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] != star, pattern[p] == one || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == star {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}
