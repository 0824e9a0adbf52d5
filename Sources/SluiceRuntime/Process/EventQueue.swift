#if canImport(Glibc)
import Glibc
#endif

/// A queue of events from the worker reader threads to the supervisor's scheduling loop,
/// with a timed wait (pthread mutex and condition variables).
///
/// It holds at most `limitBytes` of frames: a reader thread that would go past it waits,
/// so that a worker faster than the supervisor blocks on its pipe instead of filling the
/// supervisor's memory. While the supervisor is itself blocked writing to a worker
/// (``bypassLimit``), readers never wait: that worker may be blocked on its own output
/// pipe, and only its reader can drain it.
final class EventQueue<Event>: @unchecked Sendable {
    private var items: [(event: Event, bytes: Int)] = []
    private var head = 0
    private var queuedBytes = 0
    private var bypass = false
    private let limitBytes: Int
    private var mutex = pthread_mutex_t()
    private var nonEmpty = pthread_cond_t()
    private var space = pthread_cond_t()

    init(limitBytes: Int = 16 << 20) {
        self.limitBytes = limitBytes
        pthread_mutex_init(&mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(&nonEmpty, &attr)
        pthread_cond_init(&space, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(&nonEmpty)
        pthread_cond_destroy(&space)
        pthread_mutex_destroy(&mutex)
    }

    /// Adds an event of `bytes`; waits first while the queue is over its limit (unless
    /// bypassed). Events of 0 bytes (exits, heartbeats) never wait.
    func push(_ e: Event, bytes: Int = 0) {
        pthread_mutex_lock(&mutex)
        while bytes > 0 && queuedBytes > limitBytes && !bypass {
            pthread_cond_wait(&space, &mutex)
        }
        items.append((e, bytes))
        queuedBytes += bytes
        pthread_cond_signal(&nonEmpty)
        pthread_mutex_unlock(&mutex)
    }

    /// Runs `body` (a blocking write to a worker) with the limit lifted.
    func bypassingLimit<R>(_ body: () throws -> R) rethrows -> R {
        setBypass(true)
        defer { setBypass(false) }
        return try body()
    }

    private func setBypass(_ on: Bool) {
        pthread_mutex_lock(&mutex)
        bypass = on
        if on { pthread_cond_broadcast(&space) }
        pthread_mutex_unlock(&mutex)
    }

    /// The next event, or nil after `seconds` without one.
    func pop(timeout seconds: Double) -> Event? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if head == items.count {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            let ns = Int(ts.tv_nsec) + Int(seconds * 1e9)
            ts.tv_sec += ns / 1_000_000_000
            ts.tv_nsec = ns % 1_000_000_000
            while head == items.count {
                if pthread_cond_timedwait(&nonEmpty, &mutex, &ts) == ETIMEDOUT { break }
            }
        }
        guard head < items.count else { return nil }
        let (event, bytes) = items[head]
        head += 1
        if head == items.count || head >= 4096 {
            items.removeFirst(head)
            head = 0
        }
        queuedBytes -= bytes
        if bytes > 0 && queuedBytes <= limitBytes { pthread_cond_broadcast(&space) }
        return event
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
