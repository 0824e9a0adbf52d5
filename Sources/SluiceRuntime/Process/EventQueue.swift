#if canImport(Glibc)
import Glibc
#endif

/// A queue of events from the worker reader threads to the supervisor's scheduling loop,
/// with a timed wait (pthread mutex and condition variable).
final class EventQueue<Event>: @unchecked Sendable {
    private var items: [Event] = []
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()

    init() {
        pthread_mutex_init(&mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(&cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
    }

    func push(_ e: Event) {
        pthread_mutex_lock(&mutex)
        items.append(e)
        pthread_cond_signal(&cond)
        pthread_mutex_unlock(&mutex)
    }

    /// The next event, or nil after `seconds` without one.
    func pop(timeout seconds: Double) -> Event? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if items.isEmpty {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            let ns = Int(ts.tv_nsec) + Int(seconds * 1e9)
            ts.tv_sec += ns / 1_000_000_000
            ts.tv_nsec = ns % 1_000_000_000
            while items.isEmpty {
                if pthread_cond_timedwait(&cond, &mutex, &ts) == ETIMEDOUT { break }
            }
        }
        return items.isEmpty ? nil : items.removeFirst()
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
