import WorkQueues

/// Nanoseconds on `CLOCK_MONOTONIC`, for deadlines (never jumps with the wall clock): the one
/// implementation, `WorkQueues.MonotonicTime`.
typealias MonotonicClock = MonotonicTime
