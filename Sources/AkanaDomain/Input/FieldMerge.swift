/// The update rule of every PUT (apps, app versions, models, model versions): a field the body
/// leaves out (nil in its `…Input`) keeps the stored value; a field it gives replaces it.
extension Optional {
    /// Replaces `stored` with this value when there is one.
    func merge(into stored: inout Wrapped) {
        if case .some(let value) = self { stored = value }
    }
}
